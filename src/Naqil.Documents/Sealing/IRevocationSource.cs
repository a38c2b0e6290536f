using System.Security.Cryptography.X509Certificates;

namespace Naqil.Documents.Sealing;

/// <summary>
/// Where the validation data of a certificate comes from (the PKI's OCSP responder and CRL
/// distribution point).
/// </summary>
public interface IRevocationSource
{
    /// <summary>
    /// DER OCSP responses (OCSPResponse, RFC 6960) and DER CRLs (RFC 5280) that say
    /// <paramref name="certificate"/>, issued by <paramref name="issuer"/>, is not revoked.
    /// </summary>
    Task<RevocationData> GetAsync(X509Certificate2 certificate, X509Certificate2 issuer, CancellationToken cancellationToken);
}

/// <summary>DER OCSP responses and CRLs for one certificate; either list may be empty.</summary>
public sealed record RevocationData(IReadOnlyList<byte[]> OcspResponses, IReadOnlyList<byte[]> Crls)
{
    public static RevocationData None { get; } = new([], []);
}

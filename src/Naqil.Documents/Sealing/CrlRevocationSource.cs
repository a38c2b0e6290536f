using System.Security.Cryptography.X509Certificates;

namespace Naqil.Documents.Sealing;

/// <summary>
/// Validation data from the issuing CAs' CRLs, fetched over HTTP when a document is sealed: each
/// issuer (by the SHA-256 thumbprint of its certificate) names the address of its CRL. The CRL is
/// fetched fresh each time, so a revocation shows in the next document sealed.
/// </summary>
public sealed class CrlRevocationSource(HttpClient http, IReadOnlyDictionary<string, Uri> crlByIssuerThumbprint) : IRevocationSource
{
    /// <summary>The largest CRL read; a sandbox CRL is a few hundred bytes.</summary>
    private const int MaxCrlBytes = 16 << 20;

    public async Task<RevocationData> GetAsync(X509Certificate2 certificate, X509Certificate2 issuer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        var thumbprint = Convert.ToHexStringLower(issuer.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256));
        if (!crlByIssuerThumbprint.TryGetValue(thumbprint, out var url))
        {
            return RevocationData.None;
        }

        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        if (response.Content.Headers.ContentLength > MaxCrlBytes)
        {
            throw new InvalidOperationException($"the CRL at {url} is larger than {MaxCrlBytes} bytes");
        }

        var crl = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new RevocationData([], [crl]);
    }
}

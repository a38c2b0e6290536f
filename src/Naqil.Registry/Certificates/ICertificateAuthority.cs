using System.Security.Cryptography.X509Certificates;

namespace Naqil.Registry.Certificates;

/// <summary>The organisation an organisation seal names: a registered member and its registered name.</summary>
/// <param name="Member">The member's identifier, e.g. <c>SY/GOV/CIVREG</c>; carried in the subject's organizationIdentifier.</param>
/// <param name="Name">The member's name; the subject's CN and O (at most 64 characters, as X.520 allows).</param>
public sealed record SealOrganisation(string Member, string Name);

/// <summary>A request for a certificate: a PEM PKCS#10 request and what the certificate is for.</summary>
public sealed record CertificateIssueRequest(string CsrPem, CertificateKind Kind)
{
    /// <summary>How long the certificate is valid; one year when null, never beyond its CA's own expiry.</summary>
    public TimeSpan? Validity { get; init; }

    /// <summary>For <see cref="CertificateKind.Seal"/> (required there, refused elsewhere): the organisation the seal names.</summary>
    public SealOrganisation? Organisation { get; init; }
}

/// <summary>What came of a request: the certificate, its issuing CA's name and serial; or why nothing was issued.</summary>
public sealed record CertificateIssuance(string? CertificatePem, string? Issuer, string? Serial, string? Error)
{
    public bool Succeeded => CertificatePem is not null;

    public static CertificateIssuance Refused(string error) => new(null, null, null, error);
}

/// <summary>
/// The registry's issuing CAs: tls and signing certificates from the gateway CA, seals from the
/// seal CA (docs/pki.md). The admin API (<c>POST /admin/v1/certificates</c>) and the sandbox call
/// the same implementation. Every certificate is recorded in the registry's store before it is
/// handed out, so its CRL and OCSP responder know it from the start.
/// </summary>
public interface ICertificateAuthority
{
    /// <summary>The gateway CA's certificate: the issuer of gateway certificates.</summary>
    X509Certificate2 Certificate { get; }

    /// <summary>
    /// Issues a certificate for the ECDSA P-256 key of the request's CSR. Refused, with a sentence
    /// saying what was wrong, when the request is malformed, its self-signature does not verify,
    /// its key is not ECDSA P-256, or the kind is not one a CSR may ask for.
    /// </summary>
    Task<CertificateIssuance> IssueAsync(CertificateIssueRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="IssueAsync"/> for a tls or signing certificate, waiting for it and throwing
    /// <see cref="ArgumentException"/> on a refused request; for in-process callers that start
    /// synchronously, such as the sandbox.
    /// </summary>
    string Issue(string csrPem, CertificateKind kind, TimeSpan? validity = null)
    {
        var issued = IssueAsync(new CertificateIssueRequest(csrPem, kind) { Validity = validity }, CancellationToken.None).GetAwaiter().GetResult();
        return issued.CertificatePem ?? throw new ArgumentException(issued.Error, nameof(csrPem));
    }
}

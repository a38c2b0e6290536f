using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography.X509Certificates;

namespace Naqil.Registry.Certificates;

/// <summary>
/// The registry's sandbox CA: issues gateway certificates from PKCS#10 requests. The admin API
/// (<c>POST /admin/v1/certificates</c>) and the sandbox call the same implementation.
/// </summary>
public interface ICertificateAuthority
{
    /// <summary>The CA's certificate; gateways trust it through the trust configuration.</summary>
    X509Certificate2 Certificate { get; }

    /// <summary>
    /// Issues a certificate for the ECDSA P-256 key in <paramref name="csrPem"/>. Fails, with a
    /// sentence saying what was wrong, when the request is malformed, its self-signature does not
    /// verify, or its key is not ECDSA P-256.
    /// </summary>
    /// <param name="csrPem">A PEM <c>CERTIFICATE REQUEST</c>.</param>
    /// <param name="kind">What the certificate is for.</param>
    /// <param name="validity">How long it is valid; one year when null, never beyond the CA's own expiry.</param>
    /// <param name="certificatePem">The issued certificate as PEM.</param>
    /// <param name="error">Why nothing was issued.</param>
    bool TryIssue(string csrPem, CertificateKind kind, TimeSpan? validity, [NotNullWhen(true)] out string? certificatePem, [NotNullWhen(false)] out string? error);

    /// <summary>As <see cref="TryIssue"/>, throwing <see cref="ArgumentException"/> on a refused request; for in-process callers such as the sandbox.</summary>
    string Issue(string csrPem, CertificateKind kind, TimeSpan? validity = null) =>
        TryIssue(csrPem, kind, validity, out var certificatePem, out var error) ? certificatePem : throw new ArgumentException(error, nameof(csrPem));
}

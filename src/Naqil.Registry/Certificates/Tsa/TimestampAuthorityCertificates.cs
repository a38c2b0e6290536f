using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Naqil.MessageLog;

namespace Naqil.Registry.Certificates.Tsa;

/// <summary>Creates the sandbox TSA's key and certificate.</summary>
public static class TimestampAuthorityCertificates
{
    /// <summary>
    /// A new P-256 key and a certificate for it fit for RFC 3161 §2.3: extended key usage
    /// id-kp-timeStamping only, marked critical; key usage digitalSignature and nonRepudiation; not
    /// a CA. Self-signed unless <paramref name="issuerCertificate"/> and <paramref name="issuerKey"/>
    /// (the registry CA) are given, in which case the validity is clipped to the issuer's. The
    /// returned certificate carries its private key (<c>GetECDsaPrivateKey()</c>).
    /// </summary>
    public static X509Certificate2 Create(
        string subjectName,
        TimeProvider timeProvider,
        TimeSpan validity,
        X509Certificate2? issuerCertificate = null,
        ECDsa? issuerKey = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectName);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(validity, TimeSpan.Zero);
        if ((issuerCertificate is null) != (issuerKey is null))
        {
            throw new ArgumentException("Give both the issuer certificate and its key, or neither for a self-signed certificate.");
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName(subjectName), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(TimestampTokens.TimeStampingOid)], critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));

        // Back-date a little so a TSA started now is usable by peers whose clocks lag.
        var notBefore = timeProvider.GetUtcNow().AddMinutes(-5);
        var notAfter = notBefore + validity;
        if (issuerCertificate is null || issuerKey is null)
        {
            return request.CreateSelfSigned(notBefore, notAfter);
        }

        request.CertificateExtensions.Add(
            X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuerCertificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (notAfter > issuerCertificate.NotAfter)
        {
            notAfter = issuerCertificate.NotAfter;
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = request.Create(
            issuerCertificate.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey), notBefore, notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }
}

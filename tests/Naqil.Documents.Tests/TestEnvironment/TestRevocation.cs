using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Naqil.Documents.Sealing;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace Naqil.Documents.Tests.TestEnvironment;

/// <summary>
/// Stands in for the PKI's OCSP responder and CRL distribution point: for a certificate issued by
/// the seal CA, an OCSP response "good" signed by the CA itself (BouncyCastle); for one issued by
/// the root, an empty CRL signed by the root (the framework's CertificateRevocationListBuilder).
/// Remembers what it gave so tests can find it in the DSS. <see cref="SealRevokedAt"/> makes the seal
/// certificate's response say revoked, at the time it returns when asked.
/// </summary>
internal sealed class TestRevocation(TestPki pki) : IRevocationSource
{
    public Func<DateTimeOffset>? SealRevokedAt { get; init; }

    /// <summary>The time the seal certificate's response said it was revoked at, once asked.</summary>
    public DateTimeOffset? SealRevokedAtGiven { get; private set; }

    public List<byte[]> OcspResponses { get; } = [];

    public List<byte[]> Crls { get; } = [];

    public List<string> AskedFor { get; } = [];

    public Task<RevocationData> GetAsync(X509Certificate2 certificate, X509Certificate2 issuer, CancellationToken cancellationToken)
    {
        AskedFor.Add(certificate.Subject);
        if (issuer.Thumbprint == pki.SealCa.Thumbprint)
        {
            DateTimeOffset? revokedAt = certificate.Thumbprint == pki.Seal.Thumbprint ? SealRevokedAt?.Invoke() : null;
            SealRevokedAtGiven ??= revokedAt;
            var ocsp = Ocsp(certificate, pki.SealCa, revokedAt);
            OcspResponses.Add(ocsp);
            return Task.FromResult(new RevocationData([ocsp], []));
        }

        var crl = Crl(pki.Root);
        Crls.Add(crl);
        return Task.FromResult(new RevocationData([], [crl]));
    }

    private static byte[] Crl(X509Certificate2 issuer)
    {
        var builder = new CertificateRevocationListBuilder();
        var now = DateTimeOffset.UtcNow;
        return builder.Build(issuer, BigInteger.One, now.AddDays(7), HashAlgorithmName.SHA256, thisUpdate: now.AddMinutes(-1));
    }

    private static byte[] Ocsp(X509Certificate2 certificate, X509Certificate2 issuer, DateTimeOffset? revokedAt)
    {
        var parser = new X509CertificateParser();
        BcCertificate bcIssuer = parser.ReadCertificate(issuer.RawData);
        BcCertificate bcCertificate = parser.ReadCertificate(certificate.RawData);
        using var issuerKey = issuer.GetECDsaPrivateKey()!;
        var signingKey = PrivateKeyFactory.CreateKey(issuerKey.ExportPkcs8PrivateKey());

        var generator = new BasicOcspRespGenerator(new RespID(bcIssuer.SubjectDN));
        var id = new CertificateID(CertificateID.DigestSha1, bcIssuer, bcCertificate.SerialNumber);
        var now = DateTime.UtcNow;
        var status = revokedAt is { } at ? new RevokedStatus(at.UtcDateTime, CrlReason.KeyCompromise) : CertificateStatus.Good;
        generator.AddResponse(id, status, now.AddMinutes(-1), now.AddDays(1), null);
        var basic = generator.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", signingKey), [bcIssuer], now);
        return new OCSPRespGenerator().Generate(OCSPRespGenerator.Successful, basic).GetEncoded();
    }
}

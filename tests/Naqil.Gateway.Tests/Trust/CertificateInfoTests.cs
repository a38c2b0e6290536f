using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Naqil.Gateway.Tests.TestEnvironment;
using Naqil.Gateway.Trust;
using Naqil.Trust;

namespace Naqil.Gateway.Tests.Trust;

/// <summary>Certificates in the trust configuration are read without X509 objects; the result must match what X509 says.</summary>
public sealed class CertificateInfoTests
{
    [Fact]
    public void TryRead_P256Certificate_ThumbprintAndKeyMatchX509()
    {
        using var certificate = TestPki.CreateSigningCertificate("signer");
        using var privateKey = certificate.GetECDsaPrivateKey()!;

        Assert.True(CertificateInfo.TryRead(certificate.RawData, out var thumbprint, out var spki));
        Assert.True(CertificateInfo.TryRead(certificate.RawData, out var thumbprintOnly));

        Assert.Equal(SignedTrustConfiguration.Thumbprint(certificate), thumbprint);
        Assert.Equal(thumbprint, thumbprintOnly);
        using var imported = CertificateInfo.ImportKey(spki);
        var signature = privateKey.SignData("data"u8.ToArray(), HashAlgorithmName.SHA256);
        Assert.True(imported.VerifyData("data"u8.ToArray(), signature, HashAlgorithmName.SHA256));
    }

    [Fact]
    public void TryRead_OtherKeysAndGarbage_Refused()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var p384Certificate = new CertificateRequest("CN=p384", p384, HashAlgorithmName.SHA384).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var rsa = RSA.Create(2048);
        using var rsaCertificate = new CertificateRequest("CN=rsa", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var good = TestPki.CreateSigningCertificate("good");
        byte[] truncated = good.RawData[..(good.RawData.Length / 2)];
        byte[] trailingCut = good.RawData[..^1];

        foreach (var der in new[] { p384Certificate.RawData, rsaCertificate.RawData, truncated, trailingCut, "not DER"u8.ToArray(), [], [0x30, 0x03, 0x02, 0x01, 0x01], null })
        {
            Assert.False(CertificateInfo.TryRead(der, out _, out _), der is null ? "null" : Convert.ToHexString(der.AsSpan(0, Math.Min(der.Length, 10))));
            Assert.False(CertificateInfo.TryRead(der, out _));
        }
    }

    [Fact]
    public void TryRead_LargeCertificate_ThumbprintAndKeyMatchX509()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={new string('n', 3000)}", key, HashAlgorithmName.SHA256);
        using var large = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        Assert.True(large.RawData.Length > 2048);

        Assert.True(CertificateInfo.TryRead(large.RawData, out var thumbprint, out var spki));

        Assert.Equal(SignedTrustConfiguration.Thumbprint(large), thumbprint);
        Assert.Equal(large.PublicKey.ExportSubjectPublicKeyInfo(), spki);
    }

    [Fact]
    public void TryCreate_GatewayWithP384Certificate_RefusedWhole()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var p384Certificate = new CertificateRequest("CN=p384", p384, HashAlgorithmName.SHA384).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var tls = TestPki.CreateTlsCertificate("tls");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var anchor = new CertificateRequest("CN=anchor", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var configuration = new TrustConfiguration
        {
            Instance = "SY",
            Serial = 1,
            Issued = DateTimeOffset.UtcNow,
            Expires = DateTimeOffset.UtcNow.AddMinutes(5),
            Members = [new("SY/GOV/A", "A")],
            Gateways = [new("SY/GOV/A", "gw1", "https://127.0.0.1:1", tls.RawData, p384Certificate.RawData)],
        };

        Assert.False(TrustSnapshot.TryCreate(SignedTrustConfiguration.Sign(configuration, key, anchor), null, out _, out var error));
        Assert.Contains("ECDSA P-256", error, StringComparison.Ordinal);
    }
}

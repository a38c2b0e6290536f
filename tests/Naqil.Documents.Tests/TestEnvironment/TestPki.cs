using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Naqil.Documents.Sealing;
using Naqil.Registry.Certificates.Tsa;

namespace Naqil.Documents.Tests.TestEnvironment;

/// <summary>
/// A test PKI in real time (pdfsig and openssl check certificates at the machine's clock): a root,
/// a seal CA under it and a seal certificate (ECDSA P-256, digitalSignature and nonRepudiation),
/// and a TSA certificate under the root made as the registry makes its TSA's.
/// </summary>
internal sealed class TestPki : IDisposable
{
    private readonly ECDsa? _sealKeyInToken;

    private TestPki(X509Certificate2 root, X509Certificate2 sealCa, X509Certificate2 seal, X509Certificate2 tsa, ECDsa? sealKeyInToken)
    {
        Root = root;
        SealCa = sealCa;
        Seal = seal;
        Tsa = tsa;
        _sealKeyInToken = sealKeyInToken;
    }

    /// <summary>The root, with its private key (it signs CRLs).</summary>
    public X509Certificate2 Root { get; }

    /// <summary>The seal CA, with its private key (it signs CRLs and OCSP responses).</summary>
    public X509Certificate2 SealCa { get; }

    /// <summary>The seal certificate, with its private key unless that is in a token.</summary>
    public X509Certificate2 Seal { get; }

    /// <summary>The TSA certificate, with its private key.</summary>
    public X509Certificate2 Tsa { get; }

    public SealKey SealKey => new(Seal, [Public(SealCa), Public(Root)], _sealKeyInToken);

    /// <summary>The PKI, with the seal's key in <paramref name="token"/> (a PKCS#11 token) when given.</summary>
    public static TestPki Create(Naqil.Keys.Pkcs11Uri? token = null)
    {
        var now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Naqil Test Root, O=Naqil, C=SY", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
        var root = rootRequest.CreateSelfSigned(now.AddMinutes(-10), now.AddDays(30));

        var sealCa = Issue(root, "CN=Naqil Test Seal CA, O=Naqil, C=SY", now, ca: true);
        var sealKey = token is null ? null : Naqil.Keys.Pkcs11KeyAdmin.Generate(token.ForObject("civil-registry-seal"));
        var seal = Issue(sealCa, "CN=Civil Registry Seal, O=Civil Registry, C=SY", now, ca: false, sealKey);
        using var rootPrivate = root.GetECDsaPrivateKey()!;
        var tsa = TimestampAuthorityCertificates.Create("CN=Naqil Test TSA, O=Naqil, C=SY", TimeProvider.System, TimeSpan.FromDays(10), root, rootPrivate);
        return new TestPki(root, sealCa, seal, tsa, sealKey);
    }

    public static X509Certificate2 Public(X509Certificate2 certificate) => X509CertificateLoader.LoadCertificate(certificate.RawData);

    public void Dispose()
    {
        Root.Dispose();
        SealCa.Dispose();
        Seal.Dispose();
        Tsa.Dispose();
        _sealKeyInToken?.Dispose();
    }

    private static X509Certificate2 Issue(X509Certificate2 issuer, string subject, DateTimeOffset now, bool ca, ECDsa? keyInToken = null)
    {
        var key = keyInToken ?? ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, ca, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            ca ? X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign : X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        using var issuerKey = issuer.GetECDsaPrivateKey()!;
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        using var issued = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey), now.AddMinutes(-5), now.AddDays(20), serial);
        if (keyInToken is not null)
        {
            return X509CertificateLoader.LoadCertificate(issued.RawData);
        }

        var withKey = issued.CopyWithPrivateKey(key);
        key.Dispose();
        return withKey;
    }
}

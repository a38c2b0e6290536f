using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Naqil.MessageLog;

namespace Naqil.Core.Tests.MessageLog;

public sealed class CertificateChainsTests : IDisposable
{
    private readonly ECDsa _rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _root;
    private readonly X509Certificate2 _intermediate;
    private readonly X509Certificate2 _tsa;

    public CertificateChainsTests()
    {
        _root = Ca("CN=Root", _rootKey, null, null);
        _intermediate = Ca("CN=Intermediate", _intermediateKey, _root, _rootKey);
        using var tsaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=TSA", tsaKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        _tsa = request.Create(_intermediate.SubjectName, X509SignatureGenerator.CreateForECDsa(_intermediateKey), Now.AddDays(-1), Now.AddDays(30), [1]);
    }

    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    [Fact]
    public void TryBuild_TwoCasAmongOthers_ReturnsLeafThenIssuersUpToTheRoot()
    {
        using var unrelatedKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var unrelated = Ca("CN=Unrelated", unrelatedKey, null, null);

        var chain = CertificateChains.TryBuild(_tsa, [unrelated, _root, _intermediate]);

        Assert.NotNull(chain);
        Assert.Equal([_tsa.RawData, _intermediate.RawData, _root.RawData], chain);
    }

    [Fact]
    public void TryBuild_SelfSignedLeaf_IsTheLeafAlone()
    {
        var chain = CertificateChains.TryBuild(_root, []);

        Assert.Equal([_root.RawData], chain);
    }

    [Fact]
    public void TryBuild_RootMissing_IsNull()
    {
        Assert.Null(CertificateChains.TryBuild(_tsa, [_intermediate]));
    }

    [Fact]
    public void TryBuild_IssuerOfTheSameNameButAnotherKey_IsNull()
    {
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var impostor = Ca("CN=Intermediate", otherKey, _root, _rootKey);

        Assert.Null(CertificateChains.TryBuild(_tsa, [impostor, _root]));
    }

    public void Dispose()
    {
        _tsa.Dispose();
        _intermediate.Dispose();
        _root.Dispose();
        _intermediateKey.Dispose();
        _rootKey.Dispose();
    }

    private static X509Certificate2 Ca(string name, ECDsa key, X509Certificate2? issuer, ECDsa? issuerKey)
    {
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        if (issuer is null)
        {
            using var self = request.CreateSelfSigned(Now.AddDays(-1), Now.AddDays(365));
            return X509CertificateLoader.LoadCertificate(self.RawData);
        }

        return request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey!), Now.AddDays(-1), Now.AddDays(300), [2]);
    }
}

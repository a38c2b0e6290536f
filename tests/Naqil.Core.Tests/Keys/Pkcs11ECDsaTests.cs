using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Naqil.Keys;
using Naqil.Tests.Shared;

namespace Naqil.Core.Tests.Keys;

/// <summary>Keys in SoftHSM2, a real PKCS#11 token: made there, signing there, never leaving it.</summary>
public sealed class Pkcs11ECDsaTests
{
    [Fact]
    public void SignData_InToken_VerifiesWithThePublicKeyAlone()
    {
        var token = TestSoftHsm.NewToken();
        using var key = Pkcs11KeyAdmin.Generate(token.ForObject("signing"));
        var data = "نقل — Naqil"u8.ToArray();

        var signature = key.SignData(data, HashAlgorithmName.SHA256);

        using var verifier = ECDsa.Create(key.ExportParameters(false));
        Assert.True(verifier.VerifyData(data, signature, HashAlgorithmName.SHA256));
        data[0] ^= 1;
        Assert.False(verifier.VerifyData(data, signature, HashAlgorithmName.SHA256));
    }

    [Fact]
    public void ExportPrivate_Refused()
    {
        var token = TestSoftHsm.NewToken();
        using var key = Pkcs11KeyAdmin.Generate(token.ForObject("signing"));

        Assert.Throws<CryptographicException>(() => key.ExportParameters(true));
        Assert.ThrowsAny<CryptographicException>(() => key.ExportPkcs8PrivateKey());
    }

    [Fact]
    public void Open_SameKeyByReference_SignsWithTheSameKey()
    {
        var token = TestSoftHsm.NewToken();
        var reference = TestSoftHsm.NewKey(token, "anchor");

        using var first = SigningKeys.Open(reference);
        using var second = SigningKeys.Open(reference);

        Assert.IsType<Pkcs11ECDsa>(first);
        byte[] data = [1, 2, 3];
        var signature = first.SignData(data, HashAlgorithmName.SHA256);
        Assert.True(second.VerifyData(data, signature, HashAlgorithmName.SHA256));
        Assert.Equal(first.ExportSubjectPublicKeyInfo(), second.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void Open_UnknownKeyOrToken_NamesWhatIsMissing()
    {
        var token = TestSoftHsm.NewToken();

        var noKey = Assert.Throws<InvalidOperationException>(() => Pkcs11ECDsa.Open(token.ForObject("nothing-here")));
        Assert.Contains("nothing-here", noKey.Message);
        Assert.Contains("naqil keys generate", noKey.Message);

        var noToken = Assert.Throws<SigningUnavailableException>(() => Pkcs11ECDsa.Open(token with { Token = "no-such-token", Object = "k" }));
        Assert.Contains("no-such-token", noToken.Message);
    }

    [Fact]
    public void Open_WrongPin_Refused()
    {
        // PKCS#11 logs in the application, not the session: a token no one logged into yet.
        var token = TestSoftHsm.NewToken();

        var error = Assert.Throws<SigningUnavailableException>(() => Pkcs11ECDsa.Open(token.ForObject("k") with { PinValue = "wrong-pin" }));
        Assert.Contains("CKR_PIN_INCORRECT", error.Message);
    }

    [Fact]
    public void Generate_LabelTaken_Refused()
    {
        var token = TestSoftHsm.NewToken();
        TestSoftHsm.NewKey(token, "k");

        var error = Assert.Throws<InvalidOperationException>(() => Pkcs11KeyAdmin.Generate(token.ForObject("k")));
        Assert.Contains("already has a key labelled 'k'", error.Message);
    }

    [Fact]
    public void List_ShowsEveryPairWithItsPublicKey()
    {
        var token = TestSoftHsm.NewToken();
        using var a = Pkcs11KeyAdmin.Generate(token.ForObject("a"));
        using var b = Pkcs11KeyAdmin.Generate(token.ForObject("b"));

        var keys = Pkcs11KeyAdmin.List(token);

        Assert.Equal(["a", "b"], keys.Select(k => k.Label));
        Assert.All(keys, k => Assert.True(k.HasPrivate));
        var pointA = a.ExportParameters(false).Q;
        Assert.Equal([0x04, .. pointA.X!, .. pointA.Y!], keys[0].PublicPoint);
    }

    [Fact]
    public void CertificateRequest_SelfSignedWithTokenKey_Chains()
    {
        var token = TestSoftHsm.NewToken();
        using var key = Pkcs11KeyAdmin.Generate(token.ForObject("ca"));
        var request = new CertificateRequest("CN=Token CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));

        // CreateSelfSigned would copy the private key into the certificate; the key stays in the token.
        using var certificate = request.Create(request.SubjectName, X509SignatureGenerator.CreateForECDsa(key), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4]);

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(certificate));
        using var publicKey = certificate.GetECDsaPublicKey()!;
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), publicKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public async Task SignHash_ManyThreads_EachSignatureVerifies()
    {
        var token = TestSoftHsm.NewToken();
        using var key = Pkcs11KeyAdmin.Generate(token.ForObject("busy"));
        using var verifier = ECDsa.Create(key.ExportParameters(false));

        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() =>
        {
            var ok = 0;
            for (var n = 0; n < 200; n++)
            {
                var data = BitConverter.GetBytes(i * 1000 + n);
                ok += verifier.VerifyData(data, key.SignData(data, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256) ? 1 : 0;
            }

            return ok;
        }, TestContext.Current.CancellationToken)));

        Assert.All(results, ok => Assert.Equal(200, ok));
    }
}

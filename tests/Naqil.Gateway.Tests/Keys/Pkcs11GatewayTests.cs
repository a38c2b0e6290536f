using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Naqil.Gateway.Tests.TestEnvironment;
using Naqil.Keys;
using Naqil.Tests.Shared;

namespace Naqil.Gateway.Tests.Keys;

/// <summary>Both gateways with their signing keys in SoftHSM2: exchanges and tree heads signed in the token, and a token that goes away refused with signing-unavailable.</summary>
public sealed class Pkcs11GatewayTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Exchange_SigningAndTlsKeysInToken_SignedVerifiedAndLogged()
    {
        var token = TestSoftHsm.NewToken();
        await using var env = await GatewayTestEnvironment.StartAsync((member, o) => WithTokenTlsKey(WithTokenKey(o, token, member), token, member));

        using var response = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1");

        ResponseAssert.Status(HttpStatusCode.OK, response);
        // The provider's answer was signed by its key in the token: the certificate the registry lists verifies it.
        Assert.Contains("keyid=\"" + Naqil.Trust.SignedTrustConfiguration.Thumbprint(env.Provider.Signing) + "\"", string.Join(",", response.Headers.GetValues("Signature-Input")));

        env.Time.Advance(TimeSpan.FromSeconds(1));
        await env.Provider.TickLogAsync();
        var head = (await env.Provider.MessageLog.Store.LatestTreeHeadAsync(Ct))!;
        using var publicKey = env.Provider.Signing.GetECDsaPublicKey();
        Assert.True(head.SignedHead.Head.VerifySignature(head.SignedHead.Signature, publicKey));
        Assert.False(head.SignedHead.Head.VerifySignature(head.SignedHead.Signature, env.Consumer.Signing.GetECDsaPublicKey()));
    }

    [Fact]
    public async Task Exchange_ProviderTokenGone_SigningUnavailableThenRecovers()
    {
        var token = TestSoftHsm.NewToken();
        using var remote = TestRemoteToken.Serve(token);
        await using var env = await GatewayTestEnvironment.StartAsync((member, o) =>
            member == "SY/GOV/CIVREG" ? WithTokenKey(o, token, member, remote.Token) : o);
        (await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1")).Dispose();
        var called = env.Backend.Calls;

        remote.Stop();
        using (var refused = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/2"))
        {
            await ResponseAssert.ProblemAsync(HttpStatusCode.ServiceUnavailable, SigningUnavailableException.Code, refused);
        }

        remote.Start();
        await Eventually.UntilAsync(async () =>
        {
            using var again = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/3");
            return again.StatusCode == HttpStatusCode.OK;
        }, "the provider signs again once its token is back");
        Assert.True(env.Backend.Calls > called);
    }

    /// <summary>The gateway's TLS key generated in <paramref name="token"/>, reached through OpenSSL's pkcs11 engine, with a certificate for loopback.</summary>
    private static Naqil.Gateway.Configuration.GatewayOptions WithTokenTlsKey(Naqil.Gateway.Configuration.GatewayOptions options, Pkcs11Uri token, string member)
    {
        var label = member.Replace('/', '-') + "-tls";
        using var key = Pkcs11KeyAdmin.Generate(token.ForObject(label));
        var request = new CertificateRequest($"CN={member} TLS (token)", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.Create(request.SubjectName, X509SignatureGenerator.CreateForECDsa(key), DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1), RandomNumberGenerator.GetBytes(8));
        var certificateFile = Path.Combine(Path.GetDirectoryName(options.TlsCertificateFile)!, "tls-token.crt");
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        return options with { TlsCertificateFile = certificateFile, TlsKeyFile = $"pkcs11:token={Uri.EscapeDataString(token.Token!)};object={label}?module-path={token.ModulePath}&pin-value={token.PinValue}" };
    }

    /// <summary>The gateway's signing key generated in <paramref name="token"/> (reached through <paramref name="via"/> if given), with a certificate for it written beside the other files.</summary>
    private static Naqil.Gateway.Configuration.GatewayOptions WithTokenKey(Naqil.Gateway.Configuration.GatewayOptions options, Pkcs11Uri token, string member, Pkcs11Uri? via = null)
    {
        var label = member.Replace('/', '-') + "-signing";
        using var key = Pkcs11KeyAdmin.Generate(token.ForObject(label));
        var request = new CertificateRequest($"CN={member} signing (token)", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        using var certificate = request.Create(request.SubjectName, X509SignatureGenerator.CreateForECDsa(key), DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1), RandomNumberGenerator.GetBytes(8));
        var directory = Path.GetDirectoryName(options.SigningCertificateFile)!;
        var certificateFile = Path.Combine(directory, "signing-token.crt");
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        var reached = via ?? token;
        var uri = $"pkcs11:token={Uri.EscapeDataString(reached.Token!)};object={label}?module-path={reached.ModulePath}&pin-value={reached.PinValue}";
        return options with { SigningCertificateFile = certificateFile, SigningKeyFile = uri };
    }
}

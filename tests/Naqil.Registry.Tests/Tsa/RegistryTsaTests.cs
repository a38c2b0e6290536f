using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Naqil.MessageLog;

namespace Naqil.Registry.Tests.Tsa;

/// <summary>The registry runs the sandbox TSA and publishes it in the trust configuration.</summary>
public sealed class RegistryTsaTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PublishedTsa_AnswersWithTokensThatVerifyWithThePublishedCertificate()
    {
        await using var host = await RegistryHost.StartAsync(_directory.Path, publicUrl: "http://registry.sy.test");
        var configuration = await host.ConfigurationAsync();
        var tsa = Assert.Single(configuration.Tsas);
        Assert.Equal("http://registry.sy.test/tsa", tsa.Url);
        using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(tsa.Certificate));
        var digest = SHA256.HashData("tree head"u8);
        var request = TimestampTokens.CreateRequest(digest, out var nonce);

        using var content = new ByteArrayContent(request) { Headers = { ContentType = new MediaTypeHeaderValue("application/timestamp-query") } };
        using var response = await host.Anonymous.PostAsync("/tsa", content, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(TimestampTokens.TryReadResponse(await response.Content.ReadAsByteArrayAsync(Ct), digest, nonce, out var token, out var error), error);
        Assert.True(TimestampTokens.TryVerifyToken(token, digest, certificate, out _, out error), error);
        Assert.False(TimestampTokens.TryVerifyToken(token, SHA256.HashData("another"u8), certificate, out _, out _));
    }

    [Fact]
    public async Task TsaCertificate_IssuedByTheGatewayCa_ChainsToTheRoot_AndKeptAcrossRestarts()
    {
        string first;
        await using (var host = await RegistryHost.StartAsync(_directory.Path, publicUrl: "http://registry.sy.test"))
        {
            first = Assert.Single((await host.ConfigurationAsync()).Tsas).Certificate;
            using var tsa = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(first));
            using var root = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(_directory.Path, "root-ca.pem"), Ct));
            using var gatewayCa = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(_directory.Path, "gateway-ca.pem"), Ct));
            using var chain = new X509Chain { ChainPolicy = { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck, VerificationTime = host.Time.GetUtcNow().UtcDateTime } };
            chain.ChainPolicy.CustomTrustStore.Add(root);
            chain.ChainPolicy.ExtraStore.Add(gatewayCa);
            Assert.True(chain.Build(tsa), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
            Assert.Equal(gatewayCa.RawData, chain.ChainElements[1].Certificate.RawData);
        }

        await using var again = await RegistryHost.StartAsync(_directory.Path, publicUrl: "http://registry.sy.test");
        Assert.Equal(first, Assert.Single((await again.ConfigurationAsync()).Tsas).Certificate);
    }

    [Fact]
    public async Task WithoutPublicUrl_NoTsaPublished()
    {
        await using var host = await RegistryHost.StartAsync(_directory.Path);

        Assert.Empty((await host.ConfigurationAsync()).Tsas);
    }

    [Fact]
    public async Task ExternalTsa_Configured_PublishedInsteadOfTheSandboxOne()
    {
        using var external = Naqil.Registry.Certificates.Tsa.TimestampAuthorityCertificates.Create("CN=External TSA", TimeProvider.System, TimeSpan.FromDays(30));
        var certificateFile = Path.Combine(_directory.Path, "external-tsa.pem");
        await File.WriteAllTextAsync(certificateFile, external.ExportCertificatePem(), Ct);
        var options = new RegistryOptions
        {
            Instance = "SY",
            DataDirectory = _directory.Path,
            AdminToken = RegistryHost.AdminToken,
            PublicUrl = "http://registry.sy.test",
            Tsas = [new ExternalTsaOptions { Url = "https://tsa.example.test/rfc3161", CertificateFile = certificateFile }],
        };
        var validator = new Naqil.Registry.Configuration.RegistryOptionsValidator();
        Assert.True(validator.Validate(null, options).Succeeded);
        Assert.Equal(2, validator.Validate(null, options with { Tsas = [new ExternalTsaOptions { Url = "not a url", CertificateFile = "/nonexistent.pem" }] }).Failures!.Count());

        await using var host = await RegistryHost.StartAsync(options);

        var tsa = Assert.Single((await host.ConfigurationAsync()).Tsas);
        Assert.Equal("https://tsa.example.test/rfc3161", tsa.Url);
        Assert.Equal(Convert.ToBase64String(external.RawData), tsa.Certificate);
    }

    public void Dispose() => _directory.Dispose();
}

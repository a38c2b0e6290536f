using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Naqil.Registry.Certificates.Pki;
using Naqil.Registry.Tests.Certificates.Pki;
using Naqil.Tests.Shared;

namespace Naqil.Registry.Tests.Keys;

/// <summary>The registry's keys (anchor, the three CAs, the sandbox TSA) named in SoftHSM2.</summary>
internal static class TokenKeys
{
    public static RegistryKeyOptions All()
    {
        var token = TestSoftHsm.NewToken();
        string Uri(string label) => $"pkcs11:token={token.Token};object={label}?module-path={token.ModulePath}&pin-value={token.PinValue}";
        return new RegistryKeyOptions { Anchor = Uri("anchor"), RootCa = Uri("root-ca"), GatewayCa = Uri("gateway-ca"), SealCa = Uri("seal-ca"), Tsa = Uri("tsa") };
    }
}

/// <summary>Every openssl check of the PKI (CRLs, OCSP, verify) again, with the CAs' keys in a token.</summary>
public sealed class Pkcs11RegistryPkiTests : OpenSslPkiTests
{
    protected override RegistryKeyOptions? Keys() => TokenKeys.All();
}

/// <summary>A registry whose keys are all in a token: none on disk, the same anchor after a restart, the trust configuration and the TSA's tokens signed there.</summary>
public sealed class Pkcs11RegistryTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Start_KeysInToken_NoKeyFileAndSameAnchorAfterRestart()
    {
        var keys = TokenKeys.All();
        string anchor;
        await using (var host = await RegistryHost.StartAsync(_directory.Path, keys: keys))
        {
            await host.PutMemberAsync();
            var configuration = await host.ConfigurationAsync();
            Assert.Contains(configuration.Members, m => m.Id == "SY/GOV/CIVREG");
            using var served = await host.AnchorAsync();
            anchor = served.Thumbprint;
        }

        Assert.Empty(Directory.GetFiles(_directory.Path, "*-key.pem"));
        Assert.True(File.Exists(Path.Combine(_directory.Path, "registry-anchor.pem")));

        await using var restarted = await RegistryHost.StartAsync(_directory.Path, keys: keys);
        using var again = await restarted.AnchorAsync();
        Assert.Equal(anchor, again.Thumbprint);
        await restarted.ConfigurationAsync();
    }

    [Fact]
    public async Task Start_KeyFileBesideTokenSetting_RefusedNamingBoth()
    {
        // First as files, then told the anchor's key is in a token: two copies of one key are refused.
        await (await RegistryHost.StartAsync(_directory.Path)).DisposeAsync();

        var anchorInToken = TokenKeys.All().Anchor!;
        var pin = anchorInToken[(anchorInToken.IndexOf("pin-value=", StringComparison.Ordinal) + "pin-value=".Length)..];

        var error = await Assert.ThrowsAnyAsync<Exception>(() => RegistryHost.StartAsync(_directory.Path, keys: new RegistryKeyOptions { Anchor = anchorInToken }));

        var message = error.ToString();
        Assert.Contains("registry-signing-key.pem", message);
        Assert.Contains("pin-value=[redacted]", message);
        Assert.DoesNotContain(pin, message);
    }

    [Fact]
    public async Task Tsa_KeyInToken_OpenSslVerifiesItsToken()
    {
        var openssl = ExternalTool.Find("openssl", "openssl");
        await using var host = await RegistryHost.StartAsync(_directory.Path, new FakeTimeProvider(TimeProvider.System.GetUtcNow()), keys: TokenKeys.All(), publicUrl: "http://127.0.0.1:9");
        var pki = host.App.Services.GetRequiredService<RegistryPki>();
        var data = Write("data.bin", "tree head"u8.ToArray());
        var query = Write("query.tsq", []);
        var made = await ExternalTool.RunAsync(openssl, "ts", "-query", "-data", data, "-sha256", "-cert", "-out", query);
        Assert.True(made.ExitCode == 0, made.Output);

        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(query, Ct));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/timestamp-query");
        using var response = await host.Anonymous.PostAsync("/tsa", content, Ct);
        var reply = Write("reply.tsr", await response.Content.ReadAsByteArrayAsync(Ct));
        var chain = Write("chain.pem", System.Text.Encoding.ASCII.GetBytes(string.Concat(pki.Authorities.Select(a => a.Certificate.ExportCertificatePem() + "\n"))));

        var verified = await ExternalTool.RunAsync(openssl, "ts", "-verify", "-data", data, "-in", reply, "-CAfile", chain);
        Assert.True(verified.ExitCode == 0, verified.Output);
        Assert.Contains("Verification: OK", verified.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_directory.Path, "files-" + name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}

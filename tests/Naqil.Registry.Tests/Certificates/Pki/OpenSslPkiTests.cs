using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Naqil.Registry.Certificates.Pki;
using Naqil.Tests.Shared;

namespace Naqil.Registry.Tests.Certificates.Pki;

/// <summary>
/// An independent implementation checks the PKI: <c>openssl crl</c>, <c>openssl ocsp</c> and
/// <c>openssl verify -crl_check</c> against the registry's chain, CRLs and OCSP responders, over
/// real HTTP. openssl judges validity at the machine's time, so the registry's clock starts at it.
/// Skipped when no <c>openssl</c> is installed, except under CI (<c>CI=true</c>), where that is a failure.
/// </summary>
public class OpenSslPkiTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly TempDirectory _files = new();
    private RegistryHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private RegistryPki Pki => _host.App.Services.GetRequiredService<RegistryPki>();

    public async ValueTask InitializeAsync() =>
        _host = await RegistryHost.StartAsync(_directory.Path, new FakeTimeProvider(TimeProvider.System.GetUtcNow()), keys: Keys());

    /// <summary>Where the registry's keys are: PEM files in its data directory here, a token in <see cref="Keys.Pkcs11RegistryPkiTests"/>.</summary>
    protected virtual RegistryKeyOptions? Keys() => null;

    public virtual async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _directory.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task OpenSslCrl_VerifiesEachCasCrlSignature_AndRefusesATamperedOne()
    {
        var openssl = FindOpenSsl();
        var chain = WriteChain();

        foreach (var ca in new[] { "root", "gateway", "seal" })
        {
            var crl = await DownloadCrlAsync(ca);
            var result = await RunAsync(openssl, "crl", "-inform", "DER", "-in", crl, "-CAfile", chain, "-noout");
            Assert.True(result.ExitCode == 0 && result.Output.Contains("verify OK", StringComparison.Ordinal), $"{ca}: {result.Output}");
        }

        var tampered = await File.ReadAllBytesAsync(await DownloadCrlAsync("gateway"), Ct);
        tampered[^3] ^= 0x01;
        var tamperedPath = Write("tampered.crl", tampered);
        var refused = await RunAsync(openssl, "crl", "-inform", "DER", "-in", tamperedPath, "-CAfile", chain, "-noout");
        Assert.DoesNotContain("verify OK", refused.Output, StringComparison.Ordinal);
        Assert.Contains("verify fail", refused.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task OpenSslOcspAndVerify_GoodThenRevokedWithItsReason_AndVerifyFailsOnTheNewCrl()
    {
        var openssl = FindOpenSsl();
        var chain = WriteChain();
        var issuer = WritePem("gateway.pem", Pki.Find("gateway")!.Certificate.ExportCertificatePem());
        using var issued = await _host.IssueCertificateAsync("tls", subject: "CN=gw1.civreg.sy");
        var certificate = WritePem("gw1.pem", issued.Certificate.ExportCertificatePem());
        string[] ocsp = ["ocsp", "-issuer", issuer, "-cert", certificate, "-url", OcspUrl("gateway"), "-CAfile", chain, "-resp_text"];

        var good = await RunAsync(openssl, ocsp);
        var verified = await RunAsync(openssl, "verify", "-crl_check_all", "-CAfile", chain, "-CRLfile", await CrlsAsync("root", "gateway"), certificate);

        Assert.True(good.ExitCode == 0, good.Output);
        Assert.Contains("Response verify OK", good.Output, StringComparison.Ordinal);
        Assert.Contains($"{certificate}: good", good.Output, StringComparison.Ordinal);
        // openssl sends a nonce and warns "no nonce in response" or fails "Nonce Verify error" when it is not echoed.
        Assert.DoesNotContain("no nonce", good.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Nonce Verify error", good.Output, StringComparison.Ordinal);
        Assert.Contains("OCSP Nonce", good.Output, StringComparison.Ordinal);
        Assert.True(verified.ExitCode == 0 && verified.Output.Contains($"{certificate}: OK", StringComparison.Ordinal), verified.Output);

        await _host.RevokedAsync(issued, "keyCompromise");

        var revoked = await RunAsync(openssl, ocsp);
        var refused = await RunAsync(openssl, "verify", "-crl_check_all", "-CAfile", chain, "-CRLfile", await CrlsAsync("root", "gateway"), certificate);

        Assert.True(revoked.ExitCode == 0, revoked.Output);
        Assert.Contains("Response verify OK", revoked.Output, StringComparison.Ordinal);
        Assert.Contains($"{certificate}: revoked", revoked.Output, StringComparison.Ordinal);
        Assert.Contains("Reason: keyCompromise", revoked.Output, StringComparison.Ordinal);
        Assert.Contains("Revocation Time:", revoked.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("certificate revoked", refused.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenSslOcsp_SerialTheCaNeverIssued_Unknown_SealGood()
    {
        var openssl = FindOpenSsl();
        var chain = WriteChain();
        await _host.PutMemberAsync("SY/GOV/CIVREG", "Civil registry");
        using var seal = await _host.IssueCertificateAsync("seal", member: "SY/GOV/CIVREG");
        var sealPath = WritePem("seal.pem", seal.Certificate.ExportCertificatePem());
        var sealCa = WritePem("seal-ca.pem", Pki.Find("seal")!.Certificate.ExportCertificatePem());
        var gatewayCa = WritePem("gateway-ca.pem", Pki.Find("gateway")!.Certificate.ExportCertificatePem());

        var unknown = await RunAsync(openssl, "ocsp", "-issuer", gatewayCa, "-serial", "0x7F0102030405", "-url", OcspUrl("gateway"), "-CAfile", chain);
        var good = await RunAsync(openssl, "ocsp", "-issuer", sealCa, "-cert", sealPath, "-url", OcspUrl("seal"), "-CAfile", chain);
        var verified = await RunAsync(openssl, "verify", "-crl_check_all", "-purpose", "any", "-CAfile", chain, "-CRLfile", await CrlsAsync("root", "seal"), sealPath);

        Assert.Contains("Response verify OK", unknown.Output, StringComparison.Ordinal);
        Assert.Contains("0x7F0102030405: unknown", unknown.Output, StringComparison.Ordinal);
        Assert.Contains($"{sealPath}: good", good.Output, StringComparison.Ordinal);
        Assert.True(verified.ExitCode == 0, verified.Output);
    }

    private string OcspUrl(string ca) => $"{_host.Anonymous.BaseAddress!.ToString().TrimEnd('/')}/pki/v1/ocsp/{ca}";

    /// <summary>The root and both issuing CAs, one PEM file: what a relying party trusts.</summary>
    private string WriteChain() => WritePem("chain.pem", string.Concat(Pki.Authorities.Select(a => a.Certificate.ExportCertificatePem() + "\n")));

    private async Task<string> DownloadCrlAsync(string ca)
    {
        using var response = await _host.Anonymous.GetAsync($"/pki/v1/crl/{ca}.crl", Ct);
        return Write($"{ca}-{Guid.NewGuid():N}.crl", await response.Content.ReadAsByteArrayAsync(Ct));
    }

    /// <summary>The CAs' current CRLs, as one PEM file for <c>-CRLfile</c>.</summary>
    private async Task<string> CrlsAsync(params string[] cas)
    {
        var pem = new List<string>();
        foreach (var ca in cas)
        {
            var der = await File.ReadAllBytesAsync(await DownloadCrlAsync(ca), Ct);
            pem.Add(PemEncoding.WriteString("X509 CRL", der));
        }

        return WritePem($"crls-{Guid.NewGuid():N}.pem", string.Join('\n', pem) + "\n");
    }

    private string WritePem(string name, string pem) => Write(name, System.Text.Encoding.ASCII.GetBytes(pem));

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_files.Path, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string FindOpenSsl() => ExternalTool.Find("openssl", "openssl");

    private static Task<(int ExitCode, string Output)> RunAsync(string fileName, params string[] arguments) => ExternalTool.RunAsync(fileName, arguments);
}

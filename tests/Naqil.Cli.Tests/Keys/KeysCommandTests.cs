using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Naqil.Cli.Commands;
using Naqil.Documents.Tests.TestEnvironment;
using Naqil.Keys;
using Naqil.Tests.Shared;

namespace Naqil.Cli.Tests.Keys;

/// <summary><c>naqil keys</c> against SoftHSM2: a key made in the token, a request openssl verifies, the list with certificates and their expiry.</summary>
public sealed class KeysCommandTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GenerateCsrList_KeyInToken_RequestVerifiesAndListShowsItsCertificate()
    {
        var openssl = ExternalTool.Find("openssl", "openssl");
        var token = TestSoftHsm.NewToken();
        var pinFile = _directory.Write("pin", System.Text.Encoding.ASCII.GetBytes(token.PinValue + "\n"));
        var uri = $"pkcs11:token={token.Token};object=civreg-gw1-signing?module-path={token.ModulePath}&pin-source=file:{pinFile}";

        var generated = await RunAsync("keys", "generate", uri);
        var again = await RunAsync("keys", "generate", uri);
        var csrFile = Path.Combine(_directory.Path, "signing.csr");
        var csr = await RunAsync("keys", "csr", uri, "--subject", "CN=SY/GOV/CIVREG gw1 signing, O=Civil Registry, C=SY", "--out", csrFile);

        Assert.True(generated.ExitCode == 0, generated.Error);
        Assert.Contains("-----BEGIN PUBLIC KEY-----", generated.Output, StringComparison.Ordinal);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already has a key labelled 'civreg-gw1-signing'", again.Error, StringComparison.Ordinal);
        Assert.True(csr.ExitCode == 0, csr.Error);
        var verified = await ExternalTool.RunAsync(openssl, "req", "-in", csrFile, "-verify", "-noout");
        Assert.True(verified.ExitCode == 0, verified.Output);
        Assert.Contains("verify OK", verified.Output, StringComparison.OrdinalIgnoreCase);
        var request = CertificateRequest.LoadSigningRequestPem(await File.ReadAllTextAsync(csrFile, Ct), HashAlgorithmName.SHA256);
        var printed = generated.Output[generated.Output.IndexOf("-----BEGIN PUBLIC KEY-----", StringComparison.Ordinal)..];
        using (var fromCsr = request.PublicKey.GetECDsaPublicKey()!)
        {
            Assert.Equal(printed.Trim(), fromCsr.ExportSubjectPublicKeyInfoPem().Trim());
        }

        // A certificate for the key (self-issued here, by the key in the token), then the list.
        using var key = Pkcs11ECDsa.Open(Pkcs11Uri.Parse(uri));
        var notAfter = new DateTimeOffset(2031, 3, 4, 5, 6, 0, TimeSpan.Zero);
        using var certificate = request.Create(request.SubjectName, X509SignatureGenerator.CreateForECDsa(key), DateTimeOffset.UtcNow.AddDays(-1), notAfter, [7, 8, 9]);
        var certificateFile = _directory.Write("signing.crt", System.Text.Encoding.ASCII.GetBytes(certificate.ExportCertificatePem()));
        var tokenOnly = $"pkcs11:token={token.Token}?module-path={token.ModulePath}&pin-source=file:{pinFile}";

        var listed = await RunAsync("keys", "list", tokenOnly, "--certificates", certificateFile);

        Assert.True(listed.ExitCode == 0, listed.Error);
        var line = Assert.Single(listed.Output.Split('\n'), l => l.StartsWith("civreg-gw1-signing\t", StringComparison.Ordinal));
        Assert.Contains("\tyes\t", line, StringComparison.Ordinal);
        Assert.Contains("CN=SY/GOV/CIVREG gw1 signing", line, StringComparison.Ordinal);
        Assert.Contains("2031-03-04 05:06Z", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pkcs11:token=t;object=k?pin-value=123456", "no module-path")]
    [InlineData("pkcs11:token=t?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=123456", "names no key")]
    [InlineData("pkcs11:token=t;object=k?module-path=/nowhere/module.so&pin-value=123456", "/nowhere/module.so does not exist")]
    public async Task Generate_BadUri_RefusedWithTheReasonAndNoPin(string uri, string expected)
    {
        var run = await RunAsync("keys", "generate", uri);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("123456", run.Error + run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sandbox_ModuleWithoutPkcs11Keys_Refused()
    {
        var run = await RunAsync("sandbox", "--pkcs11-module", "/usr/lib/softhsm/libsofthsm2.so", "--state", _directory.Path);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--pkcs11-module is for --keys pkcs11", run.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await NaqilCommand.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error }, Ct);
        return (exitCode, output.ToString(), error.ToString());
    }
}

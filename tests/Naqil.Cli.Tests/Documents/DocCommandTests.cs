using System.Security.Cryptography.X509Certificates;
using System.CommandLine;
using System.Text;
using System.Text.Json;
using Naqil.Agencies.CivilRegistry;
using Naqil.Cli.Commands;
using Naqil.Documents.Rendering;
using Naqil.Documents.Sealing;
using Naqil.Documents.Tests.TestEnvironment;

namespace Naqil.Cli.Tests.Documents;

/// <summary><c>naqil doc verify | sign</c> run as the command line runs them: output and exit codes (0 passed, 1 failed, 2 indeterminate, 3 refused).</summary>
public sealed class DocCommandTests : IDisposable
{
    private static readonly DocumentInfo Info = new(Guid.Parse("3f2c6a52-8d0e-4c1b-9a57-2f1e0c9d7b41"), new DateTimeOffset(2025, 6, 1, 9, 30, 0, TimeSpan.Zero), new Uri("https://verify.sy.naqil.example"));

    private readonly TestPki _pki = TestPki.Create();
    private readonly TempDirectory _directory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Verify_SealedBaselineLta_PrintsEachSignatureAndExitsZero()
    {
        var pdf = _directory.Write("extract.pdf", await SealAsync());

        var run = await RunAsync("doc", "verify", pdf, "--trust", RootPem());

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains("Signature Seal1: TOTAL-PASSED, level B-LTA", run.Output, StringComparison.Ordinal);
        Assert.Contains("signer: CN=Civil Registry Seal, O=Civil Registry, C=SY", run.Output, StringComparison.Ordinal);
        Assert.Contains("Document timestamp DocumentTimestamp2: TOTAL-PASSED", run.Output, StringComparison.Ordinal);
        Assert.EndsWith("Result: TOTAL-PASSED", run.Output.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_Json_IsTheReportWithTheStandardsWords()
    {
        var pdf = _directory.Write("extract.pdf", await SealAsync());

        var run = await RunAsync("doc", "verify", pdf, "--trust", RootPem(), "--json");

        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal("TOTAL-PASSED", json.RootElement.GetProperty("indication").GetString());
        Assert.Equal("B-LTA", json.RootElement.GetProperty("signatures")[0].GetProperty("level").GetString());
        Assert.Equal(pdf, json.RootElement.GetProperty("file").GetString());
    }

    [Fact]
    public async Task Verify_OneSignedByteChanged_ExitsOneWithHashFailure()
    {
        var sealedPdf = await SealAsync();
        var at = Encoding.Latin1.GetString(sealedPdf).IndexOf("(Naqil)", StringComparison.Ordinal) + 5;
        sealedPdf[at] = (byte)'m';

        var run = await RunAsync("doc", "verify", _directory.Write("changed.pdf", sealedPdf), "--trust", RootPem());

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Result: TOTAL-FAILED/HASH_FAILURE", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_WithoutATrustAnchor_ExitsTwoNoChainFound()
    {
        var run = await RunAsync("doc", "verify", _directory.Write("extract.pdf", await SealAsync()));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Result: INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_NotAPdfMissingOrBadArguments_ExitsThree()
    {
        var text = _directory.Write("notes.txt", "not a pdf");

        var notPdf = await RunAsync("doc", "verify", text, "--trust", RootPem());
        var missing = await RunAsync("doc", "verify", Path.Combine(_directory.Path, "missing.pdf"));
        var noArgument = await RunAsync("doc", "verify");
        var badAnchor = await RunAsync("doc", "verify", text, "--trust", text);
        var tooLarge = await RunAsync("doc", "verify", _directory.Write("extract.pdf", await SealAsync()), "--max-bytes", "1000");

        Assert.Equal(3, notPdf.ExitCode);
        Assert.Contains("REFUSED: " + text + " is not a PDF", notPdf.Output, StringComparison.Ordinal);
        Assert.Equal(3, missing.ExitCode);
        Assert.Contains("does not exist", missing.Output, StringComparison.Ordinal);
        Assert.Equal(3, noArgument.ExitCode);
        Assert.Equal(3, badAnchor.ExitCode);
        Assert.StartsWith("naqil doc verify: ", badAnchor.Error, StringComparison.Ordinal);
        Assert.Equal(3, tooLarge.ExitCode);
        Assert.Contains("over the limit of 1000 bytes", tooLarge.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignThenVerifyDetached_PassesWithRevocationGiven_FailsForAnotherFile()
    {
        await using var tsa = await LoopbackTsa.StartAsync(_pki);
        var data = _directory.Write("export.csv", "id,name\n1,Maryam\n");
        var certificate = _directory.Write("seal.pem", _pki.Seal.ExportCertificatePem());
        var key = _directory.Write("seal.key", _pki.Seal.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var chain = _directory.Write("chain.pem", _pki.SealCa.ExportCertificatePem() + "\n" + _pki.Root.ExportCertificatePem() + "\n");
        var p7s = Path.Combine(_directory.Path, "export.csv.p7s");

        var sign = await RunAsync("doc", "sign", data, "--cert", certificate, "--key", key, "--chain", chain, "--tsa", tsa.Url.AbsoluteUri, "--out", p7s);
        var revocation = await RevocationFilesAsync();
        var verify = await RunAsync(["doc", "verify", data, "--detached", p7s, "--trust", RootPem(), "--revocation", .. revocation]);
        var offline = await RunAsync("doc", "verify", data, "--detached", p7s, "--trust", RootPem());
        var other = await RunAsync(["doc", "verify", _directory.Write("other.csv", "id,name\n1,Mariam\n"), "--detached", p7s, "--trust", RootPem(), "--revocation", .. revocation]);

        Assert.True(sign.ExitCode == 0, sign.Error);
        Assert.Contains($"signed {data} ", sign.Output, StringComparison.Ordinal);
        Assert.Equal(1, tsa.Requests);
        Assert.True(verify.ExitCode == 0, verify.Output);
        Assert.Contains("Signature signature: TOTAL-PASSED, level B-T", verify.Output, StringComparison.Ordinal);
        Assert.Equal(2, offline.ExitCode);
        Assert.Contains("Result: INDETERMINATE/TRY_LATER", offline.Output, StringComparison.Ordinal);
        Assert.Equal(1, other.ExitCode);
        Assert.Contains("Result: TOTAL-FAILED/HASH_FAILURE", other.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_KeyOfAnotherCertificate_ExitsOneSayingWhy()
    {
        using var other = TestPki.Create();
        var run = await RunAsync(
            "doc", "sign", _directory.Write("a.txt", "a"), "--cert", _directory.Write("seal.pem", _pki.Seal.ExportCertificatePem()),
            "--key", _directory.Write("other.key", other.Seal.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem()),
            "--tsa", "http://127.0.0.1:9/tsa", "--out", Path.Combine(_directory.Path, "a.p7s"));

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("naqil doc sign: ", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory.Path, "a.p7s")));
    }

    public void Dispose()
    {
        _directory.Dispose();
        _pki.Dispose();
    }

    private string RootPem() => _directory.Write("root.pem", _pki.Root.ExportCertificatePem());

    private Task<byte[]> SealAsync() =>
        new PadesSealer(TimeProvider.System).SealAsync(
            CivilRecordExtract.Render(SyntheticPersons.All[0], Info).Pdf, _pki.SealKey, new InProcessTsa(_pki), new TestRevocation(_pki), PadesLevel.BaselineLTA, Ct);

    private async Task<string[]> RevocationFilesAsync()
    {
        var revocation = new TestRevocation(_pki);
        await revocation.GetAsync(_pki.Seal, _pki.SealCa, Ct);
        await revocation.GetAsync(_pki.SealCa, _pki.Root, Ct);
        await revocation.GetAsync(_pki.Tsa, _pki.Root, Ct);
        return [.. revocation.OcspResponses.Concat(revocation.Crls).Select((der, i) => _directory.Write($"revocation{i}.der", der))];
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await NaqilCommand.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error }, Ct);
        return (exitCode, output.ToString(), error.ToString());
    }
}

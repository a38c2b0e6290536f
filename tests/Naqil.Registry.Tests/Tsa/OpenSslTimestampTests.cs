using System.Security.Cryptography;
using Naqil.MessageLog;
using Naqil.Registry.Certificates.Tsa;
using Naqil.Tests.Shared;

namespace Naqil.Registry.Tests.Tsa;

/// <summary>
/// An independent implementation checks our tokens: <c>openssl ts -verify</c>. Skipped when no
/// <c>openssl</c> is installed, except under CI (<c>CI=true</c>), where that is a failure.
/// </summary>
public sealed class OpenSslTimestampTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("naqil-tsa-").FullName;

    [Fact]
    public async Task OpenSslTsVerify_OurToken_VerificationOkAndFailsWhenTheDataChanges()
    {
        var openssl = FindOpenSsl();
        // openssl checks the certificate at the machine's time, so this TSA lives in real time.
        using var certificate = TimestampAuthorityCertificates.Create("CN=Naqil OpenSSL Test TSA", TimeProvider.System, TimeSpan.FromDays(1));
        var authority = TsaFixture.CreateAuthority(certificate, TimeProvider.System);
        var data = "naqil-tree-head-v1 and some more bytes"u8.ToArray();
        var request = TimestampTokens.CreateRequest(SHA256.HashData(data), out var nonce);
        var response = authority.Respond(request);
        Assert.True(TimestampTokens.TryReadResponse(response, SHA256.HashData(data), nonce, out var token, out var error), error);

        var dataPath = Write("data.bin", data);
        var tokenPath = Write("token.der", token);
        var responsePath = Write("response.der", response);
        var caPath = Write("tsa.pem", System.Text.Encoding.ASCII.GetBytes(certificate.ExportCertificatePem()));
        var changedPath = Write("changed.bin", [.. data, 0x21]);

        var tokenResult = await RunAsync(openssl, "ts", "-verify", "-data", dataPath, "-in", tokenPath, "-token_in", "-CAfile", caPath);
        var responseResult = await RunAsync(openssl, "ts", "-verify", "-data", dataPath, "-in", responsePath, "-CAfile", caPath);
        var changedResult = await RunAsync(openssl, "ts", "-verify", "-data", changedPath, "-in", tokenPath, "-token_in", "-CAfile", caPath);

        Assert.True(tokenResult.ExitCode == 0, tokenResult.Output);
        Assert.Contains("Verification: OK", tokenResult.Output, StringComparison.Ordinal);
        Assert.True(responseResult.ExitCode == 0, responseResult.Output);
        Assert.Contains("Verification: OK", responseResult.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, changedResult.ExitCode);
        Assert.DoesNotContain("Verification: OK", changedResult.Output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string FindOpenSsl() => ExternalTool.Find("openssl", "openssl");

    private static Task<(int ExitCode, string Output)> RunAsync(string fileName, params string[] arguments) => ExternalTool.RunAsync(fileName, arguments);
}

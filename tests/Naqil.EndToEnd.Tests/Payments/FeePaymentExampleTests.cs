using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Naqil.EndToEnd.Tests.Payments;

/// <summary>
/// The sandbox's <c>fee-payment</c> example, run as printed: an extract's fee paid through the
/// portal's gateway (intent, authorise, capture), the capture's signed answer a receipt carrying its
/// exchange's Naqil-Id, the Civil Registry issuing the extract only once it has seen the payment
/// over the bus, and learning of it as an event on the Central Bank's topic as well.
/// </summary>
public sealed partial class FeePaymentExampleTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("naqil-fee-");

    [Fact]
    public async Task FeePayment_AsPrinted_ReceiptCarriesTheExchange_AndTheRegistryIssuesThePaidExtract()
    {
        Assert.SkipWhen(!File.Exists("/usr/bin/curl") && Environment.GetEnvironmentVariable("CI") != "true", "curl is not installed");
        var portBase = Ports.FreeBase(100);
        await using var sandbox = NaqilProcess.Start(_work.FullName, "sandbox", "--no-timer", "--port-base", portBase.ToString(CultureInfo.InvariantCulture));
        Assert.True(await sandbox.WaitForAsync(() => sandbox.Output.Contains("Press Ctrl+C", StringComparison.Ordinal), TimeSpan.FromSeconds(120)), sandbox.Output);
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_work.FullName, ".naqil", "sandbox.json"), TestContext.Current.CancellationToken));
        var example = manifest.RootElement.GetProperty("examples").EnumerateArray().Single(e => e.GetProperty("name").GetString() == "fee-payment");
        var command = example.GetProperty("command").GetString()!;
        Assert.Contains(command, sandbox.Output, StringComparison.Ordinal);

        var (code, output) = await RunAsync(command);
        Assert.True(code == 0, output);
        var paymentId = IntentLine().Match(output).Groups[1].Value;
        Assert.Matches("(?im)^HTTP/1.1 200", output);
        Assert.Matches("(?im)^signature: naqil=:", output);
        Assert.Matches("(?im)^Naqil-Request-Signature-Input: naqil=\\(.*\"idempotency-key\"", output);
        var naqilId = NaqilIdHeader().Match(output).Groups[1].Value;
        using var receipt = JsonDocument.Parse(output[output.IndexOf("{\"paymentId\"", StringComparison.Ordinal)..].Split('\n')[0]);
        Assert.Equal(paymentId, receipt.RootElement.GetProperty("paymentId").GetString());
        Assert.Equal(naqilId, receipt.RootElement.GetProperty("naqilId").GetString());
        Assert.Equal("1500.00", receipt.RootElement.GetProperty("amount").GetProperty("value").GetString());
        var pdf = await File.ReadAllBytesAsync(Path.Combine(_work.FullName, "extract-paid.pdf"), TestContext.Current.CancellationToken);
        Assert.Equal("%PDF-"u8.ToArray(), pdf[..5]);

        // The same payment for another person's extract is refused: the registry checked it, over the bus.
        var portal = manifest.RootElement.GetProperty("gateways").GetProperty("SY/GOV/MOCT").GetProperty("consumer").GetString();
        var (_, refused) = await RunAsync("curl -sS -X POST -H 'Naqil-Client: SY/GOV/MOCT/portal' -H 'Naqil-Purpose: certificate-issuance' -H 'Content-Type: application/json' "
            + $"--data '{{\"nationalId\":\"01010000002\",\"paymentId\":\"{paymentId}\"}}' {portal}/r1/SY/GOV/CIVREG/registry/extracts/extracts");
        Assert.Contains("\"code\":\"payment-not-confirmed\"", refused, StringComparison.Ordinal);
        Assert.Contains("another person", refused, StringComparison.Ordinal);

        // And the Civil Registry learned of it on the bus too: the receipt came as an event on the Central Bank's topic.
        var registry = manifest.RootElement.GetProperty("backends").GetProperty("civil-registry").GetString();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string received;
        while (!(received = (await RunAsync($"curl -sS {registry}/payments/received/{paymentId}")).Output).Contains("\"paymentId\"", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        using (var arrived = JsonDocument.Parse(received))
        {
            Assert.Equal(paymentId, arrived.RootElement.GetProperty("paymentId").GetString());
            Assert.Equal(naqilId, arrived.RootElement.GetProperty("receipt").GetProperty("naqilId").GetString());
            Assert.Matches("^[0-9a-f-]{36}$", arrived.RootElement.GetProperty("eventNaqilId").GetString());
            Assert.NotEqual(naqilId, arrived.RootElement.GetProperty("eventNaqilId").GetString());
        }

        var payments = manifest.RootElement.GetProperty("backends").GetProperty("payments").GetString();
        var (_, check) = await RunAsync($"curl -sS {payments}/ledger/check");
        Assert.Contains("\"balanced\":true", check, StringComparison.Ordinal);

        sandbox.Signal("INT");
        Assert.Equal(0, await sandbox.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    private async Task<(int Code, string Output)> RunAsync(string command)
    {
        var start = new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _work.FullName };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output + error);
    }

    [GeneratedRegex("^intent ([0-9a-f-]{36})$", RegexOptions.Multiline)]
    private static partial Regex IntentLine();

    [GeneratedRegex("^naqil-id: ([0-9a-f-]{36})\r?$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex NaqilIdHeader();

    public void Dispose()
    {
        try
        {
            _work.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Naqil.EndToEnd.Tests.Sandbox;

/// <summary>
/// The telecom regulators in the sandbox as its printed examples show them: a ported number looked
/// up by an operator through its own gateway, Iraq's routes, and the SY–IQ settlement statement
/// reconciled once Iraq's statement has crossed the federated bus as an event.
/// </summary>
public sealed class RegulatorSandboxTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("naqil-regulator-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sandbox_RegulatorExamples_RunAsPrinted()
    {
        var portBase = Ports.FreeBase(100);
        await using var sandbox = NaqilProcess.Start(_work.FullName, "sandbox", "--no-timer", "--port-base", portBase.ToString(CultureInfo.InvariantCulture));
        Assert.True(await sandbox.WaitForAsync(() => sandbox.Output.Contains("Press Ctrl+C", StringComparison.Ordinal), StartTimeout), sandbox.Output);
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_work.FullName, ".naqil", "sandbox.json"), Ct));
        var examples = manifest.RootElement.GetProperty("examples").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("command").GetString()!);
        Assert.All(["number-lookup", "route", "settlement"], name => Assert.Contains(examples[name], sandbox.Output, StringComparison.Ordinal));

        using (var number = JsonDocument.Parse(await CurlAsync(examples["number-lookup"])))
        {
            Assert.Equal("+963944123456", number.RootElement.GetProperty("e164").GetString());
            Assert.Equal(("MTN", "SYRIATEL"), (number.RootElement.GetProperty("blockOperator").GetString(), number.RootElement.GetProperty("servingOperator").GetString()));
            Assert.True(number.RootElement.GetProperty("ported").GetBoolean());
        }

        using (var route = JsonDocument.Parse(await CurlAsync(examples["route"])))
        {
            Assert.Equal("IQ-LAND", route.RootElement.GetProperty("activeLink").GetString());
            Assert.Equal(["IQ-LAND", "TR-LAND"], route.RootElement.GetProperty("routes").EnumerateArray().Select(r => r.GetProperty("link").GetString()));
        }

        // Iraq's statement reaches Syria as an event over the federated bus, within seconds.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        JsonDocument settlement;
        while (true)
        {
            settlement = JsonDocument.Parse(await CurlAsync(examples["settlement"]));
            if (settlement.RootElement.GetProperty("theirsState").ValueKind == JsonValueKind.String || DateTime.UtcNow > deadline)
            {
                break;
            }

            settlement.Dispose();
            await Task.Delay(500, Ct);
        }

        using (settlement)
        {
            Assert.Equal("received", settlement.RootElement.GetProperty("theirsState").GetString());
            Assert.Equal(1, settlement.RootElement.GetProperty("disputes").GetInt32());
            var dispute = settlement.RootElement.GetProperty("reconciled").EnumerateArray().Single(l => l.GetProperty("dispute").GetBoolean());
            Assert.Equal((871_500, 905_000), (dispute.GetProperty("ours").GetInt64(), dispute.GetProperty("theirs").GetInt64()));
        }

        sandbox.Signal("INT");
        Assert.Equal(0, await sandbox.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>Runs a printed example in a shell, as a user would; answers the body of a 200.</summary>
    private static async Task<string> CurlAsync(string command)
    {
        Assert.SkipWhen(!File.Exists("/usr/bin/curl") && Environment.GetEnvironmentVariable("CI") != "true", "curl is not installed");
        var start = new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var curl = Process.Start(start)!;
        var output = await curl.StandardOutput.ReadToEndAsync(Ct);
        await curl.WaitForExitAsync(Ct);
        Assert.True(curl.ExitCode == 0, $"curl failed ({curl.ExitCode}): {await curl.StandardError.ReadToEndAsync(Ct)}");
        var split = output.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200", output, StringComparison.Ordinal);
        return output[(split + 4)..];
    }

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

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Naqil.EndToEnd.Tests.Sandbox;

/// <summary>
/// The README's first command, as a new user runs it: <c>naqil sandbox</c> as a real process, its
/// printed example run by curl, Ctrl+C, and a restart on the same state.
/// </summary>
public sealed class SandboxCommandTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("naqil-sandbox-");

    [Fact]
    public async Task Sandbox_PrintedExample_ReturnsSignedPerson_AndStateSurvivesRestart()
    {
        var portBase = Ports.FreeBase(100);
        var manifestPath = Path.Combine(_work.FullName, ".naqil", "sandbox.json");
        string anchorBefore;
        string certificateBefore;
        await using (var sandbox = NaqilProcess.Start(_work.FullName, "sandbox", "--port-base", portBase.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            Assert.True(await sandbox.WaitForAsync(() => sandbox.Output.Contains("Press Ctrl+C", StringComparison.Ordinal), StartTimeout), sandbox.Output);
            var example = ExampleFrom(sandbox.Output);
            using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(manifestPath, TestContext.Current.CancellationToken));
            Assert.Equal(example, manifest.RootElement.GetProperty("example").GetString());
            Assert.StartsWith("http://127.0.0.1:", manifest.RootElement.GetProperty("registry").GetString(), StringComparison.Ordinal);
            var gateways = manifest.RootElement.GetProperty("gateways");
            Assert.StartsWith("http://127.0.0.1:", gateways.GetProperty("SY/GOV/MOCT").GetProperty("consumer").GetString(), StringComparison.Ordinal);
            Assert.StartsWith("https://127.0.0.1:", gateways.GetProperty("SY/GOV/CIVREG").GetProperty("provider").GetString(), StringComparison.Ordinal);

            // Secrets and personal data are the sandbox user's alone: the state folder, every
            // component's data folder (message logs, the registry's store) and each gateway.json
            // (it holds the admin token).
            if (!OperatingSystem.IsWindows())
            {
                var state = Path.Combine(_work.FullName, ".naqil");
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(state));
                foreach (var config in Directory.GetFiles(state, "gateway.json", SearchOption.AllDirectories))
                {
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(config));
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(Path.GetDirectoryName(config)!, "data")));
                }

                foreach (var locked in Directory.GetFiles(state, "naqil.lock", SearchOption.AllDirectories))
                {
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(locked)!));
                }
            }

            var (status, headers, body) = await RunCurlAsync(example);
            Assert.Equal(200, status);
            Assert.Matches("(?im)^naqil-id: [0-9a-f-]{36}\r?$", headers);
            Assert.Matches("(?im)^signature-input: naqil=\\(", headers);
            Assert.Matches("(?im)^signature: naqil=:", headers);
            using var person = JsonDocument.Parse(body);
            Assert.Equal("01010000001", person.RootElement.GetProperty("nationalId").GetString());
            Assert.Equal("أحمد", person.RootElement.GetProperty("givenName").GetString());

            // Each example under a stable name, with what it shows and a command runnable as printed.
            var examples = manifest.RootElement.GetProperty("examples").EnumerateArray().ToList();
            Assert.Equal(["person", "cross-border-ems-item", "cross-border-tracking", "signed-extract", "verify-extract", "event-deliveries", "fee-payment", "number-lookup", "route", "settlement"], examples.Select(e => e.GetProperty("name").GetString()));
            Assert.All(examples, e => Assert.Contains(e.GetProperty("description").GetString()!, sandbox.Output, StringComparison.Ordinal));
            Assert.Equal(example, examples[0].GetProperty("command").GetString());
            var crossBorder = manifest.RootElement.GetProperty("examples")[1].GetProperty("command").GetString()!;
            Assert.Contains(crossBorder, sandbox.Output, StringComparison.Ordinal);
            var (crossStatus, crossHeaders, crossBody) = await RunCurlAsync(crossBorder);
            Assert.Equal(200, crossStatus);
            Assert.Matches("(?im)^signature: naqil=:", crossHeaders);
            Assert.Contains("\"origin\":\"SY\"", crossBody, StringComparison.Ordinal);
            // From Iraqi Post's own store: its side of the item's history, ending in final delivery.
            Assert.Contains("\"status\":\"delivered\"", crossBody, StringComparison.Ordinal);
            Assert.Contains("\"code\":\"EMI\"", crossBody, StringComparison.Ordinal);

            // Syrian Post's view of the same item: its own EMA..EMC and Baghdad's EMD..EMI, which reached it as signed events.
            var tracking = manifest.RootElement.GetProperty("examples")[2].GetProperty("command").GetString()!;
            Assert.Contains(tracking, sandbox.Output, StringComparison.Ordinal);
            var history = await TrackUntilDeliveredAsync(tracking);
            Assert.Equal(["EMA/SY", "EMB/SY", "EMC/SY", "EMD/IQ", "EMF/IQ", "EMG/IQ", "EMI/IQ"], history);

            // The post gateway's deliveries, as printed (the admin token read from its file by the shell).
            var deliveries = manifest.RootElement.GetProperty("examples")[5].GetProperty("command").GetString()!;
            var (deliveriesStatus, _, deliveriesBody) = await RunCurlAsync(deliveries.Replace("curl -sS ", "curl -sS -i ", StringComparison.Ordinal));
            Assert.Equal(200, deliveriesStatus);
            using (var subscriptions = JsonDocument.Parse(deliveriesBody))
            {
                var outbound = Assert.Single(subscriptions.RootElement.GetProperty("outbound").EnumerateArray());
                Assert.Equal(("SY/GOV/POST/ems/item-events", "IQ/GOV/POST/ems"), (outbound.GetProperty("topic").GetString(), outbound.GetProperty("subscriber").GetString()));
                Assert.True(outbound.GetProperty("delivered").GetInt64() > 0, deliveriesBody);
            }

            // The sealed extract, written where the command says, its seal valid for an independent reader.
            var extract = manifest.RootElement.GetProperty("examples")[3].GetProperty("command").GetString()!;
            await RunAsync($"cd '{_work.FullName}' && {extract}");
            var pdf = await File.ReadAllBytesAsync(Path.Combine(_work.FullName, "extract.pdf"), TestContext.Current.CancellationToken);
            Assert.Equal("%PDF-"u8.ToArray(), pdf[..5]);
            var pki = manifest.RootElement.GetProperty("pki").GetProperty("SY");
            Assert.True(File.Exists(pki.GetProperty("rootCertificateFile").GetString()));
            Assert.StartsWith("http://127.0.0.1:", pki.GetProperty("cas").GetProperty("seal").GetProperty("ocsp").GetString(), StringComparison.Ordinal);
            if (File.Exists("/usr/bin/pdfsig") || Environment.GetEnvironmentVariable("CI") == "true")
            {
                var report = await RunAsync($"pdfsig '{Path.Combine(_work.FullName, "extract.pdf")}'");
                Assert.Contains("Signature Validation: Signature is Valid.", report, StringComparison.Ordinal);
                Assert.Contains("OID.2.5.4.97=SY/GOV/CIVREG", report, StringComparison.Ordinal);
            }

            // And with Naqil's own validator, offline, against the instance's root: the level the sandbox promises.
            await using (var verify = NaqilProcess.Start(_work.FullName, "doc", "verify", "extract.pdf", "--trust", pki.GetProperty("rootCertificateFile").GetString()!))
            {
                Assert.Equal(0, await verify.WaitForExitAsync(TimeSpan.FromSeconds(60)));
                Assert.Contains("Result: TOTAL-PASSED", verify.Output, StringComparison.Ordinal);
                Assert.Contains("TOTAL-PASSED, level B-LT", verify.Output, StringComparison.Ordinal);
            }

            // And by anyone, online: the verify-extract example uploads it to the Civil Registry's endpoint, as printed.
            var verifyExtract = manifest.RootElement.GetProperty("examples")[4].GetProperty("command").GetString()!;
            Assert.Contains("/documents/verify", verifyExtract, StringComparison.Ordinal);
            using (var verified = JsonDocument.Parse(await RunAsync($"cd '{_work.FullName}' && {verifyExtract}")))
            {
                Assert.Equal("TOTAL-PASSED", verified.RootElement.GetProperty("indication").GetString());
                Assert.Equal("match", verified.RootElement.GetProperty("issuedDocument").GetProperty("result").GetString());
            }

            anchorBefore = await File.ReadAllTextAsync(manifest.RootElement.GetProperty("instances").GetProperty("SY").GetProperty("anchor").GetString()!, TestContext.Current.CancellationToken);
            certificateBefore = await File.ReadAllTextAsync(Path.Combine(_work.FullName, ".naqil", "SY", "gateways", "SY-GOV-CIVREG", "tls.crt"), TestContext.Current.CancellationToken);

            sandbox.Signal("INT");
            Assert.Equal(0, await sandbox.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("Stopped.", sandbox.Output, StringComparison.Ordinal);
        }

        await using (var again = NaqilProcess.Start(_work.FullName, "sandbox", "--port-base", portBase.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            Assert.True(await again.WaitForAsync(() => again.Output.Contains("Press Ctrl+C", StringComparison.Ordinal), StartTimeout), again.Output);
            Assert.Equal(anchorBefore, await File.ReadAllTextAsync(Path.Combine(_work.FullName, ".naqil", "SY", "anchor.pem"), TestContext.Current.CancellationToken));
            Assert.Equal(certificateBefore, await File.ReadAllTextAsync(Path.Combine(_work.FullName, ".naqil", "SY", "gateways", "SY-GOV-CIVREG", "tls.crt"), TestContext.Current.CancellationToken));
            var (status, _, _) = await RunCurlAsync(ExampleFrom(again.Output));
            Assert.Equal(200, status);
            again.Signal("INT");
            Assert.Equal(0, await again.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }
    }

    [Fact]
    public async Task Sandbox_BusyPort_ExitsWithErrorNamingPortAndFlag()
    {
        var portBase = Ports.FreeBase(100);
        using var occupant = new TcpListener(IPAddress.Loopback, portBase + 10);
        occupant.Start();

        await using var sandbox = NaqilProcess.Start(_work.FullName, "sandbox", "--port-base", portBase.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(2, await sandbox.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"port {portBase + 10}", sandbox.Output, StringComparison.Ordinal);
        Assert.Contains("--port-base", sandbox.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_work.FullName, ".naqil", "sandbox.json")));
    }

    /// <summary>Runs the tracking example until the item's history holds the final delivery (the events cross on their own), as code/post pairs.</summary>
    private static async Task<List<string>> TrackUntilDeliveredAsync(string command)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var (status, headers, body) = await RunCurlAsync(command);
            Assert.Equal(200, status);
            Assert.Matches("(?im)^signature: naqil=:", headers);
            using var item = JsonDocument.Parse(body);
            var history = item.RootElement.GetProperty("events").EnumerateArray().Select(e => $"{e.GetProperty("code").GetString()}/{e.GetProperty("recordedBy").GetString()}").ToList();
            if (history.Contains("EMI/IQ") || DateTime.UtcNow > deadline)
            {
                return history;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    private static string ExampleFrom(string output)
    {
        var line = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("curl ", StringComparison.Ordinal));
        Assert.NotNull(line);
        return line;
    }

    /// <summary>Runs a shell command; fails on a non-zero exit; returns what it printed.</summary>
    private static async Task<string> RunAsync(string command)
    {
        var start = new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{command} failed ({process.ExitCode}): {error}");
        return output + error;
    }

    /// <summary>Runs the printed command as a user would, in a shell.</summary>
    private static async Task<(int Status, string Headers, string Body)> RunCurlAsync(string command)
    {
        Assert.SkipWhen(!File.Exists("/usr/bin/curl") && Environment.GetEnvironmentVariable("CI") != "true", "curl is not installed");
        var start = new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var curl = Process.Start(start)!;
        var output = await curl.StandardOutput.ReadToEndAsync();
        await curl.WaitForExitAsync();
        Assert.True(curl.ExitCode == 0, $"curl failed ({curl.ExitCode}): {await curl.StandardError.ReadToEndAsync()}");
        var split = output.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = output[..split];
        return (int.Parse(head.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), head, output[(split + 4)..]);
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

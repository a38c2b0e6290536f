using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Naqil.Tests.Shared;

namespace Naqil.EndToEnd.Tests.Keys;

/// <summary>
/// <c>naqil sandbox --keys pkcs11</c> as real processes: first with the keys in SoftHSM2 directly
/// (no private key file anywhere in its state), then reaching its signing keys over p11-kit's socket
/// as a network HSM is reached, while clients send exchanges. The token server is killed mid-load:
/// exchanges are refused with <c>signing-unavailable</c>, never answered unsigned nor signed another
/// way, and the sandbox does not crash; the server comes back and exchanges succeed again by themselves.
/// </summary>
public sealed class TokenOutageTests : IDisposable
{
    private const string SoftHsmModule = "/usr/lib/softhsm/libsofthsm2.so";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("naqil-token-");

    [Fact]
    public async Task Sandbox_TokenGoneMidLoad_SigningUnavailableThenRecovers()
    {
        TestRemoteToken.RequireTools();
        Require(SoftHsmModule, "softhsm2");
        var portBase = Ports.FreeBase(100).ToString(CultureInfo.InvariantCulture);
        var state = Path.Combine(_work.FullName, ".naqil");
        var consumer = $"http://127.0.0.1:{int.Parse(portBase, CultureInfo.InvariantCulture) + 10}";

        // 1. The first start makes the token and every key in it.
        await using (var first = NaqilProcess.Start(_work.FullName, "sandbox", "--port-base", portBase, "--keys", "pkcs11", "--no-timer"))
        {
            Assert.True(await first.WaitForAsync(() => first.Output.Contains("Press Ctrl+C", StringComparison.Ordinal), StartTimeout), first.Output);
            using var http = new HttpClient();
            Assert.Equal(HttpStatusCode.OK, (await PersonAsync(http, consumer)).Status);

            // The manifest says where the keys are, and the civil registry's seal (in the token) passes validation.
            using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(state, "sandbox.json"), TestContext.Current.CancellationToken));
            var keys = manifest.RootElement.GetProperty("keys");
            Assert.Equal(("pkcs11", "naqil-sandbox"), (keys.GetProperty("provider").GetString(), keys.GetProperty("token").GetString()));
            using var extractRequest = new HttpRequestMessage(HttpMethod.Post, $"{consumer}/r1/SY/GOV/CIVREG/registry/extracts/extracts")
            {
                Content = new StringContent("{\"nationalId\":\"01010000001\"}", System.Text.Encoding.UTF8, "application/json"),
            };
            extractRequest.Headers.Add("Naqil-Client", "SY/GOV/MOCT/portal");
            extractRequest.Headers.Add("Naqil-Purpose", "certificate-issuance");
            using var extract = await http.SendAsync(extractRequest, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, extract.StatusCode);
            var pdf = await extract.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
            using var verify = await http.PostAsync(manifest.RootElement.GetProperty("backends").GetProperty("civil-registry").GetString() + "/documents/verify",
                new ByteArrayContent(pdf) { Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf") } }, TestContext.Current.CancellationToken);
            using var report = JsonDocument.Parse(await verify.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            Assert.Equal("TOTAL-PASSED", report.RootElement.GetProperty("indication").GetString());

            first.Signal("INT");
            Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }

        var keyFiles = Directory.GetFiles(state, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".key", StringComparison.Ordinal) || f.EndsWith("-key.pem", StringComparison.Ordinal)).ToList();
        Assert.True(keyFiles.Count == 0, "private key files: " + string.Join(", ", keyFiles));

        // 2. The token served over a socket; the sandbox reaches its signing keys through p11-kit's client.
        var socket = Path.Combine(_work.FullName, "token.sock");
        var softHsmConf = Path.Combine(state, "softhsm", "softhsm2.conf");
        using var server = new TestRemoteToken("naqil-sandbox", SoftHsmModule, socket, softHsmConf);
        server.Start();
        await using var sandbox = NaqilProcess.Start(_work.FullName, new Dictionary<string, string> { ["P11_KIT_SERVER_ADDRESS"] = "unix:path=" + socket },
            "sandbox", "--port-base", portBase, "--keys", "pkcs11", "--pkcs11-module", TestRemoteToken.ClientModule, "--no-timer");
        Assert.True(await sandbox.WaitForAsync(() => sandbox.Output.Contains("Press Ctrl+C", StringComparison.Ordinal), StartTimeout), sandbox.Output);

        var answers = new ConcurrentQueue<(int Phase, HttpStatusCode Status, string? Error, bool Signed)>();
        var phase = 0;
        using var stop = new CancellationTokenSource();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var (status, error, signed) = await PersonAsync(client, consumer);
                answers.Enqueue((Volatile.Read(ref phase), status, error, signed));
            }
        })).ToArray();

        int Count(int p, HttpStatusCode status, string? error = null) => answers.Count(a => a.Phase == p && a.Status == status && (error is null || a.Error == error));

        Assert.True(await Until(() => Count(0, HttpStatusCode.OK) >= 100), "no exchanges succeeded before the outage");

        Volatile.Write(ref phase, 1);
        server.Stop();
        Assert.True(await Until(() => Count(1, HttpStatusCode.ServiceUnavailable, "signing-unavailable") >= 20), "exchanges were not refused with signing-unavailable while the token was gone");

        server.Start();
        Volatile.Write(ref phase, 2);
        Assert.True(await Until(() => Count(2, HttpStatusCode.OK) >= 100), "exchanges did not succeed again once the token was back: " + sandbox.Output[^Math.Min(2000, sandbox.Output.Length)..]);

        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.False(sandbox.HasExited, sandbox.Output);
        // Nothing but a signed success or a signing-unavailable refusal, and every success signed by the provider.
        var other = answers.Where(a => !(a.Status == HttpStatusCode.OK && a.Signed) && !(a.Status == HttpStatusCode.ServiceUnavailable && a.Error == "signing-unavailable")).ToList();
        Assert.True(other.Count == 0, $"{other.Count} other answers, e.g. {other.FirstOrDefault()}");
        // While the token was gone nothing succeeded (after the in-flight exchanges of the moment it went).
        Assert.True(Count(1, HttpStatusCode.ServiceUnavailable) > Count(1, HttpStatusCode.OK), $"phase 1: {Count(1, HttpStatusCode.OK)} ok, {Count(1, HttpStatusCode.ServiceUnavailable)} refused");

        sandbox.Signal("INT");
        Assert.Equal(0, await sandbox.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    public void Dispose() => _work.Delete(recursive: true);

    private static async Task<(HttpStatusCode Status, string? Error, bool Signed)> PersonAsync(HttpClient http, string consumer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{consumer}/r1/SY/GOV/CIVREG/registry/persons/persons/01010000001");
        request.Headers.Add("Naqil-Client", "SY/GOV/MOCT/portal");
        request.Headers.Add("Naqil-Purpose", "application-processing");
        request.Headers.Add("Naqil-Subject", "SY-NID:01010000001");
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return (response.StatusCode, response.Headers.TryGetValues("Naqil-Error", out var errors) ? errors.First() : null, response.Headers.Contains("Signature"));
    }

    private static async Task<bool> Until(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }

    private static void Require(string file, string package)
    {
        if (File.Exists(file))
        {
            return;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail($"{file} (Debian package {package}) is required under CI.");
        }

        Assert.Skip($"{package} is not installed.");
    }
}

using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using Naqil.MessageLog;

namespace Naqil.EndToEnd.Tests.MessageLog;

/// <summary>
/// An exchange is acknowledged only once its log entry is durable: the gateways' process is killed
/// (SIGKILL) while clients send exchanges; after a restart every exchange a client got an answer
/// for is in both gateways' logs, and the exported logs verify offline.
/// </summary>
public sealed class CrashDurabilityTests : IDisposable
{
    private const string Persons = "SY/GOV/CIVREG/registry/persons";
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("naqil-crash-");

    [Fact]
    public async Task Sigkill_UnderLoad_EveryAcknowledgedExchangeIsLogged_AndLogsVerify()
    {
        var portBase = Ports.FreeBase(100);
        var arguments = new[] { "sandbox", "--port-base", portBase.ToString(CultureInfo.InvariantCulture) };
        var acknowledged = new ConcurrentBag<string>();
        await using (var sandbox = NaqilProcess.Start(_work.FullName, arguments))
        {
            Assert.True(await sandbox.WaitForAsync(() => sandbox.Output.Contains("Press Ctrl+C", StringComparison.Ordinal), TimeSpan.FromSeconds(60)), sandbox.Output);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            using var stop = new CancellationTokenSource();
            var consumer = $"http://127.0.0.1:{portBase + 10}";
            var clients = Enumerable.Range(0, 8).Select(_ => SendUntilStoppedAsync(http, consumer, acknowledged, stop.Token)).ToArray();

            // Kill while exchanges are in flight, once a good number were acknowledged.
            var clock = Stopwatch.StartNew();
            while (acknowledged.Count < 300 && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }

            sandbox.Signal("KILL");
            await sandbox.WaitForExitAsync(TimeSpan.FromSeconds(30));
            await stop.CancelAsync();
            await Task.WhenAll(clients);
        }

        Assert.True(acknowledged.Count >= 300, $"only {acknowledged.Count} exchanges were acknowledged before the kill");

        // Restart on the same state: the logs reload, sign a tree head over everything, and export.
        await using (var again = NaqilProcess.Start(_work.FullName, arguments))
        {
            Assert.True(await again.WaitForAsync(() => again.Output.Contains("Press Ctrl+C", StringComparison.Ordinal), TimeSpan.FromSeconds(60)), again.Output);
            foreach (var member in new[] { "SY-GOV-MOCT", "SY-GOV-CIVREG" })
            {
                var archive = Path.Combine(_work.FullName, $"{member}.zip");
                var config = Path.Combine(_work.FullName, ".naqil", "SY", "gateways", member, "gateway.json");
                Assert.True(await ExportCoveringAsync(config, archive), $"no export of {member} covered the whole log");

                await using var verify = NaqilProcess.Start(_work.FullName, "log", "verify", archive);
                Assert.True(await verify.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, verify.Output);

                var logged = LoggedIds(archive);
                var missing = acknowledged.Where(id => !logged.Contains(id)).ToList();
                Assert.True(missing.Count == 0, $"{missing.Count} acknowledged exchanges are missing from the log of {member}, e.g. {missing.FirstOrDefault()}");
            }

            again.Signal("INT");
            Assert.Equal(0, await again.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }
    }

    private static async Task SendUntilStoppedAsync(HttpClient http, string consumer, ConcurrentBag<string> acknowledged, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var id = Guid.NewGuid().ToString("D");
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{consumer}/r1/{Persons}/persons/01010000001");
            request.Headers.Add("Naqil-Client", "SY/GOV/MOCT/portal");
            request.Headers.Add("Naqil-Purpose", "application-processing");
            request.Headers.Add("Naqil-Id", id);
            try
            {
                using var response = await http.SendAsync(request, stop);
                await response.Content.ReadAsByteArrayAsync(stop);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    acknowledged.Add(id);
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                // The process is gone: this exchange was never acknowledged.
                return;
            }
        }
    }

    /// <summary>Exports until the archive covers the whole log (the restarted gateway signs a tree head within a second or so).</summary>
    private async Task<bool> ExportCoveringAsync(string config, string archive)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await using var export = NaqilProcess.Start(_work.FullName, "log", "export", "--config", config, "--out", archive);
            var code = await export.WaitForExitAsync(TimeSpan.FromSeconds(60));
            // Right after the restart the heartbeat may not have signed a head over everything yet.
            var notYet = export.Output.Contains("not covered", StringComparison.Ordinal) || export.Output.Contains("no signed tree head yet", StringComparison.Ordinal);
            Assert.True(code == 0 || notYet, export.Output);
            if (code == 0 && !notYet)
            {
                return true;
            }

            await Task.Delay(500);
        }

        return false;
    }

    private static HashSet<string> LoggedIds(string archive)
    {
        using var zip = ZipFile.OpenRead(archive);
        using var entries = new MemoryStream();
        using (var stream = zip.GetEntry(LogArchive.Entries)!.Open())
        {
            stream.CopyTo(entries);
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var bytes = entries.ToArray().AsSpan();
        while (bytes.Length >= 12)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(bytes[8..12]);
            Assert.True(LogEntryEncoding.TryDecode(bytes.Slice(12, length), out _, out var entry, out var error), error);
            if (entry.Outcome == "ok")
            {
                ids.Add(entry.NaqilId);
            }

            bytes = bytes[(12 + length)..];
        }

        return ids;
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

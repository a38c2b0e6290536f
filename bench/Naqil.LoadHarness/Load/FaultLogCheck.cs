using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text.Json;
using Naqil.LoadHarness.Targets;
using Naqil.MessageLog;

namespace Naqil.LoadHarness.Load;

/// <summary>
/// The message log's side of a fault run, checked as an operator would: once the load has stopped
/// and each gateway has signed a tree head over all it logged, <c>naqil log export --config
/// gateway.json --out FILE --from N</c> (N: the log's size before the run) and <c>naqil log verify
/// FILE</c> for both gateways, then every <c>Naqil-Id</c> the consumer face acknowledged (HTTP 200)
/// must be among the exported entries of both logs. What each gateway said about its message log
/// during the run (the log could not be written, timestamping failed) is counted from its output,
/// and the timestamp tokens in each export show whether timestamping went on.
/// </summary>
internal sealed class FaultLogCheck(NaqilDeployment deployment, string folder, IReadOnlyDictionary<string, string> environment, bool keepArchives)
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Event ids of the gateway's log lines (src/Naqil.Gateway/Log.cs) worth reporting after a fault.
    /// <c>naqil gateway</c> writes warnings and errors only, so "works again" (information) never shows;
    /// the export's timestamp tokens and the exchanges after the restart tell that instead.
    /// </summary>
    private static readonly (string Id, string Name)[] Events = [("[3101]", "log unavailable"), ("[3103]", "timestamping failed")];

    private NaqilGateway[] Gateways => [deployment.Consumer, deployment.Provider];

    /// <summary>Where each gateway's log and its process output stand before the run.</summary>
    public async Task<IReadOnlyDictionary<string, (long FromIndex, long OutputOffset)>> BeginAsync()
    {
        var baseline = new Dictionary<string, (long, long)>();
        foreach (var gateway in Gateways)
        {
            baseline[gateway.Role] = (await LatestTreeSizeAsync(gateway) ?? 0, new FileInfo(gateway.Process.LogFile).Length);
        }

        return baseline;
    }

    public async Task<FaultLogResult> CheckAsync(IReadOnlyDictionary<string, (long FromIndex, long OutputOffset)> baseline, string name, IReadOnlyList<string> acknowledged)
    {
        var checks = await Task.WhenAll(Gateways.Select(g => CheckAsync(g, baseline[g.Role], name, acknowledged)));
        return new FaultLogResult(acknowledged.Count, checks[0], checks[1]);
    }

    private async Task<GatewayLogCheck> CheckAsync(NaqilGateway gateway, (long FromIndex, long OutputOffset) baseline, string name, IReadOnlyList<string> acknowledged)
    {
        var (from, offset) = baseline;
        var settled = await WaitSettledAsync(gateway);
        var archive = Path.Combine(folder, $"{name}-{gateway.Role}.zip");
        var export = await NaqilAsync(["log", "export", "--config", gateway.ConfigFile, "--out", archive, "--from", from.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        var events = CountEvents(gateway, offset);
        if (export.ExitCode != 0)
        {
            return new GatewayLogCheck(gateway.Role, from, from, 0, acknowledged.Count, [.. acknowledged.Take(3)], false, $"export failed ({export.ExitCode}): {FirstLines(export.Output, 2)}", null, events);
        }

        var warning = export.Output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("warning:", StringComparison.Ordinal));
        if (!settled)
        {
            warning = (warning is null ? "" : warning + "; ") + "its tree head was still growing 30 s after the load stopped";
        }

        var verify = await NaqilAsync(["log", "verify", archive]);
        var (ids, end, timestamps) = ReadArchive(archive);
        var missing = acknowledged.Where(id => !ids.Contains(id)).ToList();
        var verified = verify.ExitCode == 0;
        var lines = verify.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var summary = verified
            ? lines.LastOrDefault(l => l.StartsWith("OK", StringComparison.Ordinal)) ?? "OK"
            : $"exit {verify.ExitCode}: {string.Join("; ", lines.Where(l => l.StartsWith("FAIL", StringComparison.Ordinal)).Take(3).DefaultIfEmpty(FirstLines(verify.Output, 2)))}";
        if (!keepArchives)
        {
            File.Delete(archive);
        }

        return new GatewayLogCheck(gateway.Role, from, end, ids.Count, missing.Count, [.. missing.Take(3)], verified, summary, warning, events) { Timestamps = timestamps };
    }

    /// <summary>
    /// Waits until the gateway's latest signed tree head has stopped growing (it signs one every
    /// second while the log grows), so the export covers every entry of the run.
    /// </summary>
    private static async Task<bool> WaitSettledAsync(NaqilGateway gateway)
    {
        var clock = Stopwatch.StartNew();
        long? last = null;
        var since = TimeSpan.Zero;
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            var size = await LatestTreeSizeAsync(gateway);
            if (size is not null && size == last)
            {
                if (clock.Elapsed - since >= TimeSpan.FromSeconds(3))
                {
                    return true;
                }
            }
            else
            {
                last = size;
                since = clock.Elapsed;
            }

            await Task.Delay(250);
        }

        return false;
    }

    /// <summary>The size of the latest signed tree head, from the gateway's admin API; null when it cannot be asked.</summary>
    private static async Task<long?> LatestTreeSizeAsync(NaqilGateway gateway)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", gateway.AdminToken);
        try
        {
            using var document = JsonDocument.Parse(await http.GetStringAsync($"{gateway.ConsumerUrl}/admin/v1/log/tree-heads"));
            var heads = document.RootElement.GetProperty("treeHeads");
            return heads.GetArrayLength() == 0 ? 0 : heads[0].GetProperty("treeSize").GetInt64();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The <c>Naqil-Id</c> of every entry in the archive (both sides), the end of its range and how many timestamp tokens it holds.</summary>
    private static (HashSet<string> Ids, long End, int Timestamps) ReadArchive(string archive)
    {
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using var zip = ZipFile.OpenRead(archive);
        long end;
        int timestamps;
        using (var manifest = JsonDocument.Parse(zip.GetEntry(LogArchive.Manifest)!.Open()))
        {
            end = manifest.RootElement.GetProperty("endIndex").GetInt64();
            timestamps = manifest.RootElement.GetProperty("timestamps").GetArrayLength();
        }

        using var stream = new BufferedStream(zip.GetEntry(LogArchive.Entries)!.Open());
        Span<byte> header = stackalloc byte[12];
        while (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length)
        {
            var encoding = new byte[BinaryPrimitives.ReadInt32BigEndian(header[8..])];
            stream.ReadExactly(encoding);
            if (LogEntryEncoding.TryDecode(encoding, out _, out var entry, out _))
            {
                ids.Add(entry.NaqilId);
            }
        }

        return (ids, end, timestamps);
    }

    private static string CountEvents(NaqilGateway gateway, long offset)
    {
        string output;
        using (var stream = new FileStream(gateway.Process.LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            output = reader.ReadToEnd();
        }

        return string.Join(", ", Events.Select(e => (e.Name, Count: CountOf(output, e.Id))).Where(e => e.Count > 0).Select(e => $"{e.Name} ×{e.Count}"));
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static string FirstLines(string text, int lines) =>
        string.Join(" ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(lines));

    /// <summary>Runs <c>naqil</c> (the build the harness measures) with the run's runtime settings; kills it by its id if it overstays.</summary>
    private async Task<(int ExitCode, string Output)> NaqilAsync(IReadOnlyList<string> arguments)
    {
        var isDll = deployment.Naqil.EndsWith(".dll", StringComparison.Ordinal);
        var info = new ProcessStartInfo(isDll ? "dotnet" : deployment.Naqil)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (var argument in (IEnumerable<string>)(isDll ? [deployment.Naqil, .. arguments] : arguments))
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new HarnessException($"could not start {deployment.Naqil}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"naqil {string.Join(' ', arguments)} did not finish within {CommandTimeout.TotalMinutes:0} minutes");
        }

        return (process.ExitCode, await output + await error);
    }
}

/// <summary>
/// The log checks of one fault run: how many exchanges the consumer face acknowledged (HTTP 200),
/// how many of those came without a <c>Naqil-Id</c>, and each gateway's export and verification.
/// </summary>
internal sealed record FaultLogResult(int Acknowledged, GatewayLogCheck Consumer, GatewayLogCheck Provider)
{
    public int AcknowledgedWithoutId { get; init; }

    /// <summary>No acknowledged exchange is missing from either log, every one had an id, and both logs verify.</summary>
    public bool Complete => AcknowledgedWithoutId == 0 && Consumer.Missing == 0 && Provider.Missing == 0 && Consumer.Verified && Provider.Verified;
}

/// <summary>
/// One gateway's log after a fault run: the exported range [<see cref="FromIndex"/>, <see cref="EndIndex"/>),
/// the entries in it, the acknowledged exchanges missing from it (with a few of their ids), what
/// <c>naqil log verify</c> said, the exporter's warning if any, and what the gateway logged about its log.
/// </summary>
internal sealed record GatewayLogCheck(string Gateway, long FromIndex, long EndIndex, int Entries, int Missing, IReadOnlyList<string> MissingSample, bool Verified,
    string Verify, string? Warning, string Events)
{
    /// <summary>Timestamp tokens in the export (tree heads of the run stamped by the TSA).</summary>
    public int Timestamps { get; init; }
}

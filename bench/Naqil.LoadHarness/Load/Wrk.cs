using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Naqil.LoadHarness.Load;

/// <summary>
/// Closed-loop load with Debian's wrk: a generated Lua script sets the method, the body and the
/// Naqil headers, and its <c>done</c> hook prints the summary and latency percentiles as one JSON
/// line, which is all the harness reads.
/// </summary>
internal static class Wrk
{
    private const string Marker = "NAQIL-WRK ";

    public static string WriteScript(string folder, string method, int bodyBytes, IReadOnlyList<(string Name, string Value)> headers)
    {
        var script = new StringBuilder();
        script.AppendLine(CultureInfo.InvariantCulture, $"wrk.method = \"{method}\"");
        foreach (var (name, value) in headers)
        {
            script.AppendLine(CultureInfo.InvariantCulture, $"wrk.headers[\"{name}\"] = \"{value}\"");
        }

        if (bodyBytes > 0)
        {
            // A JSON string body of exactly bodyBytes bytes: {"d":"xxxx…"}
            script.AppendLine(CultureInfo.InvariantCulture, $"wrk.body = '{{\"d\":\"' .. string.rep(\"x\", {Math.Max(0, bodyBytes - 8)}) .. '\"}}'");
            script.AppendLine("wrk.headers[\"Content-Type\"] = \"application/json\"");
        }

        script.AppendLine($$"""
            done = function(summary, latency, requests)
              io.write(string.format('{{Marker}}{"requests":%d,"durationUs":%d,"bytes":%d,"connectErrors":%d,"readErrors":%d,"writeErrors":%d,"statusErrors":%d,"timeouts":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d,"mean":%f}\n',
                summary.requests, summary.duration, summary.bytes, summary.errors.connect, summary.errors.read, summary.errors.write,
                summary.errors.status, summary.errors.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
                latency:percentile(99.9), latency.max, latency.mean))
            end
            """);
        var file = Path.Combine(folder, $"wrk-{method.ToLowerInvariant()}-{bodyBytes}.lua");
        File.WriteAllText(file, script.ToString());
        return file;
    }

    /// <summary>Runs wrk; <paramref name="onStarted"/> gets its process id so its CPU time can be charged to the load generator.</summary>
    public static async Task<WrkResult> RunAsync(string wrk, string url, string script, int connections, int threads, TimeSpan duration, Action<int>? onStarted = null)
    {
        var info = new ProcessStartInfo(wrk)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "-t", Math.Min(threads, connections).ToString(CultureInfo.InvariantCulture),
            "-c", connections.ToString(CultureInfo.InvariantCulture),
            "-d", $"{Math.Max(1, (int)duration.TotalSeconds)}s",
            "--timeout", "10s",
            "-s", script,
            url,
        })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new HarnessException($"could not start {wrk}");
        onStarted?.Invoke(process.Id);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(duration + TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new HarnessException($"wrk did not finish within {duration.TotalSeconds + 30:0}s against {url}");
        }

        var text = await output;
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(Marker, StringComparison.Ordinal))
            ?? throw new HarnessException($"wrk printed no summary against {url}: {text} {await error}");
        return JsonSerializer.Deserialize<WrkResult>(line[Marker.Length..], JsonOptions)!;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}

/// <summary>wrk's summary; latencies in microseconds, errors as wrk counts them (status: non-2xx/3xx).</summary>
internal sealed record WrkResult(long Requests, long DurationUs, long Bytes, long ConnectErrors, long ReadErrors, long WriteErrors, long StatusErrors, long Timeouts,
    long P50, long P90, long P99, long P999, long Max, double Mean)
{
    public double RequestsPerSecond => DurationUs == 0 ? 0 : Requests / (DurationUs / 1e6);

    public long Errors => ConnectErrors + ReadErrors + WriteErrors + StatusErrors + Timeouts;
}

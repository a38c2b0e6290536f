using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Naqil.LoadHarness.Targets;

namespace Naqil.LoadHarness.Load;

/// <summary>
/// A Naqil gateway's own view of its runtime, from its admin API (<c>GET /admin/v1/runtime</c> on
/// the consumer face, with the gateway's admin token, both read from the <c>gateway.json</c> it was
/// started with). The counters are cumulative, so a measurement reads them before and after a load
/// and divides the difference by the exchanges in between.
/// </summary>
internal static class GatewayRuntime
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly ConcurrentDictionary<string, AdminAccess?> Access = new(StringComparer.Ordinal);

    private sealed record AdminAccess(string Url, string Token);

    /// <summary>The target's Naqil gateways (none for the direct and nginx targets).</summary>
    public static IReadOnlyList<MeasuredProcess> Gateways(Target target) => [.. target.Processes.Where(p => AccessOf(p) is not null)];

    /// <summary>The figures of every gateway of the target, by role; a gateway that does not answer is left out.</summary>
    public static async Task<IReadOnlyDictionary<string, RuntimeFigures>> ReadAllAsync(Target target)
    {
        var figures = new Dictionary<string, RuntimeFigures>(StringComparer.Ordinal);
        foreach (var gateway in Gateways(target))
        {
            if (await ReadAsync(gateway) is { } read)
            {
                figures[gateway.Role] = read;
            }
        }

        return figures;
    }

    public static async Task<RuntimeFigures?> ReadAsync(MeasuredProcess gateway)
    {
        if (AccessOf(gateway) is not { } access || gateway.Process.HasExited)
        {
            return null;
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, access.Url + "/admin/v1/runtime");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", access.Token);
            using var response = await Http.SendAsync(request);
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<RuntimeFigures>(Json) : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Per gateway, what one load cost it per exchange: the difference of two readings divided by
    /// the exchanges completed. Gateways missing from either reading (killed, restarted) are left out.
    /// </summary>
    public static IEnumerable<AllocationCell> Cells(string phase, int run, string target, string load, long exchanges,
        IReadOnlyDictionary<string, RuntimeFigures> before, IReadOnlyDictionary<string, RuntimeFigures> after)
    {
        var n = Math.Max(1, exchanges);
        foreach (var (role, b) in before)
        {
            // A restarted process starts its counters again: a reading that went down is no difference.
            if (!after.TryGetValue(role, out var a) || a.AllocatedBytes < b.AllocatedBytes)
            {
                continue;
            }

            yield return new AllocationCell(phase, run, target, load, role, exchanges,
                (a.AllocatedBytes - b.AllocatedBytes) / 1024.0 / n,
                (a.Gen0Collections - b.Gen0Collections) * 1000.0 / n,
                (a.Gen1Collections - b.Gen1Collections) * 1000.0 / n,
                (a.Gen2Collections - b.Gen2Collections) * 1000.0 / n,
                (a.GcPauseMilliseconds - b.GcPauseMilliseconds) * 1000.0 / n,
                a.ThreadPoolThreads);
        }
    }

    /// <summary>Medians over the runs of each (phase, target, load, gateway).</summary>
    public static IReadOnlyList<AllocationCell> Summarise(IEnumerable<AllocationCell> cells) =>
        [.. cells.GroupBy(c => (c.Phase, c.Target, c.Load, c.Role)).Select(g => new AllocationCell(g.Key.Phase, g.Count(), g.Key.Target, g.Key.Load, g.Key.Role,
            g.Sum(c => c.Exchanges), BenchmarkRun.Median(g.Select(c => c.AllocatedKbPerExchange)), BenchmarkRun.Median(g.Select(c => c.Gen0Per1000)),
            BenchmarkRun.Median(g.Select(c => c.Gen1Per1000)), BenchmarkRun.Median(g.Select(c => c.Gen2Per1000)), BenchmarkRun.Median(g.Select(c => c.GcPauseMicrosPerExchange)),
            g.Max(c => c.PoolThreads)))];

    /// <summary>The admin URL and token of a gateway process, from the <c>gateway.json</c> named by its <c>--config</c>; null for other processes.</summary>
    private static AdminAccess? AccessOf(MeasuredProcess process)
    {
        var arguments = process.Process.Arguments;
        var at = arguments.ToList().IndexOf("--config");
        if (!arguments.Contains("gateway") || at < 0 || at + 1 >= arguments.Count)
        {
            return null;
        }

        return Access.GetOrAdd(arguments[at + 1], file =>
        {
            var gateway = JsonNode.Parse(File.ReadAllText(file))?["Gateway"];
            return gateway?["ConsumerUrl"]?.GetValue<string>() is { } url && gateway["AdminToken"]?.GetValue<string>() is { } token
                ? new AdminAccess(url.TrimEnd('/'), token)
                : null;
        });
    }
}

/// <summary>
/// A gateway's <c>GET /admin/v1/runtime</c> answer: counters cumulative since the process started,
/// sizes as of now. The native heap's figures are null from a gateway that does not report them
/// (an earlier build given with <c>--naqil</c>, or no glibc).
/// </summary>
internal sealed record RuntimeFigures(long AllocatedBytes, int Gen0Collections, int Gen1Collections, int Gen2Collections, long HeapSizeBytes, long CommittedBytes,
    double GcPauseMilliseconds, long WorkingSetBytes, int ThreadPoolThreads, long? MallocInUseBytes = null, long? MallocFreeBytes = null, long? SqliteBytes = null);

/// <summary>
/// What one load cost one gateway on the managed heap, per exchange: KiB allocated, collections of each
/// generation per 1,000 exchanges, and GC pause µs. <paramref name="Run"/> is the run number of a
/// cell, or in a summary the number of runs whose median it is. <paramref name="PoolThreads"/> is the
/// gateway's thread-pool thread count when the load ended (in a summary, the most of its runs).
/// </summary>
internal sealed record AllocationCell(string Phase, int Run, string Target, string Load, string Role, long Exchanges, double AllocatedKbPerExchange,
    double Gen0Per1000, double Gen1Per1000, double Gen2Per1000, double GcPauseMicrosPerExchange, int PoolThreads);

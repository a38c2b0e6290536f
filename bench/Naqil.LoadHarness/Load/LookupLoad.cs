using Naqil.LoadHarness.Backend;
using Naqil.LoadHarness.Targets;

namespace Naqil.LoadHarness.Load;

/// <summary>One target's number lookup beside its exchange: the same connections, the same cell length, back to back.</summary>
internal sealed record LookupRow(string Target, int Connections, double ExchangeGetPerSecond, double LookupPerSecond, double LookupP50Ms, double LookupP99Ms, long LookupErrors,
    int LookupResponseBytes, double? RatioToExchange, double? VersusDirect);

/// <summary>
/// The regulator's number lookup over the bus (issue 21): <c>GET /numbers/0944123456</c> on the
/// backend (<see cref="LookupBackend"/>), through each target as its exchange GET goes (direct,
/// the nginx pair, the Naqil gateways: the lookup path takes the exchange's service prefix), with
/// wrk at the same connections, the exchange's GET first and the lookup after it, so the two stand
/// side by side in one run.
/// </summary>
internal static class LookupLoad
{
    /// <summary>The target's lookup path: its exchange GET path with the civil registry's record path replaced by the lookup's.</summary>
    public static string PathOf(Target target) =>
        target.GetPath.EndsWith(Paths.DirectGet, StringComparison.Ordinal)
            ? target.GetPath[..^Paths.DirectGet.Length] + "/numbers/" + LookupBackend.Number
            : throw new HarnessException($"{target.Name}: its GET path {target.GetPath} does not end with {Paths.DirectGet}; the lookup cannot take its prefix");

    /// <summary>
    /// Four cells of half <paramref name="duration"/> each, in the order exchange, lookup, lookup,
    /// exchange (ABBA), so drift over the phase (the first cell after the warm-up ran slower in
    /// trials) falls on both alike; each figure is the mean of its two cells, latencies from the lookup's.
    /// </summary>
    public static async Task<LookupRow> RunAsync(Target target, string wrk, string script, int connections, int threads, TimeSpan duration)
    {
        using var http = HttpLoad.Client(2);
        var bytes = await HttpLoad.ProbeAsync(http, target.Url(PathOf(target)), null);
        var half = duration / 2;
        var exchange1 = await Wrk.RunAsync(wrk, target.Url(target.GetPath), script, connections, threads, half);
        var lookup1 = await Wrk.RunAsync(wrk, target.Url(PathOf(target)), script, connections, threads, half);
        var lookup2 = await Wrk.RunAsync(wrk, target.Url(PathOf(target)), script, connections, threads, half);
        var exchange2 = await Wrk.RunAsync(wrk, target.Url(target.GetPath), script, connections, threads, half);
        var exchangeRps = (exchange1.RequestsPerSecond + exchange2.RequestsPerSecond) / 2;
        var lookupRps = (lookup1.RequestsPerSecond + lookup2.RequestsPerSecond) / 2;
        return new LookupRow(target.Name, connections, exchangeRps, lookupRps, (lookup1.P50 + lookup2.P50) / 2000.0, Math.Max(lookup1.P99, lookup2.P99) / 1000.0,
            lookup1.Errors + lookup2.Errors, bytes, exchangeRps > 0 ? lookupRps / exchangeRps : null, null);
    }

    /// <summary>Each row's lookup throughput ÷ the direct target's.</summary>
    public static List<LookupRow> WithVersusDirect(IEnumerable<LookupRow> rows)
    {
        var list = rows.ToList();
        var direct = list.FirstOrDefault(r => r.Target == "direct");
        return [.. list.Select(r => r with { VersusDirect = direct is { LookupPerSecond: > 0 } d ? r.LookupPerSecond / d.LookupPerSecond : null })];
    }
}

using System.Globalization;

namespace Naqil.LoadHarness.Results;

/// <summary>The table of the lookup phase: the regulator's number lookup beside the exchange.</summary>
internal static class LookupReport
{
    public static IEnumerable<Report.Section> Sections(RunResult r)
    {
        if (r.Lookup.Count == 0)
        {
            yield break;
        }

        yield return new Report.Section("Number lookup over the bus, beside the exchange",
            "The regulator's number lookup (`GET /numbers/0944123456`: a ported mobile number typed in its local form, answered from an in-memory plan of 10^4 blocks and 10^5 ported numbers, about 330 bytes of JSON) through each target, with wrk at the same connections as the exchange's GET, in four cells of half the cell length each (exchange, lookup, lookup, exchange), each figure the mean of its two; p50 the mean of the lookup's two, p99 the larger. docs/regulator.md; the in-process lookup is NumberLookupBenchmarks.",
            ["target", "connections", "exchange GET/s", "lookup/s", "lookup ÷ exchange", "lookup ÷ direct", "lookup p50 ms", "lookup p99 ms", "errors", "answer"],
            [.. r.Lookup.Select(l => (IReadOnlyList<string>)[l.Target, l.Connections.ToString(CultureInfo.InvariantCulture), l.ExchangeGetPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                l.LookupPerSecond.ToString("N0", CultureInfo.InvariantCulture), l.RatioToExchange?.ToString("0.00", CultureInfo.InvariantCulture) ?? "–",
                l.VersusDirect?.ToString("0.00", CultureInfo.InvariantCulture) ?? "–", Report.F(l.LookupP50Ms), Report.F(l.LookupP99Ms), l.LookupErrors.ToString(CultureInfo.InvariantCulture),
                Report.Bytes(l.LookupResponseBytes)])]);
    }
}

using System.Globalization;
using Naqil.LoadHarness.Load;

namespace Naqil.LoadHarness.Results;

/// <summary>The tables and the budget line of what the gateways' runtime shows: allocations per exchange, and the soak.</summary>
internal static class RuntimeReport
{
    private static readonly string[] PhaseOrder = ["closed", "events", "soak", "open", "sequential"];

    public static IEnumerable<Report.Section> AllocationSections(RunResult r)
    {
        if (r.Allocations.Count == 0)
        {
            yield break;
        }

        yield return new Report.Section("Allocations and collections per exchange in each gateway",
            "Each Naqil gateway's `GET /admin/v1/runtime` read before and after every closed-loop cell, event throughput run (per accepted event, delivery included), open-loop run, sequential run and soak: managed bytes allocated (`GC.GetTotalAllocatedBytes(precise: false)`) and collections of each generation (a gen 2 collection counts in gen 1 and gen 0 too), divided by the exchanges completed; GC pause is the time the process stood still for collections. Medians over the runs; pool threads is the gateway's thread-pool thread count (`ThreadPool.ThreadCount`) read at the end, the most of the runs.",
            ["target", "phase", "load", "process", "runs", "exchanges", "KiB allocated / exchange", "gen0 / 1,000", "gen1 / 1,000", "gen2 / 1,000", "GC pause µs / exchange", "pool threads"],
            [.. r.Allocations.OrderBy(a => a.Target, StringComparer.Ordinal).ThenBy(a => Array.IndexOf(PhaseOrder, a.Phase)).ThenBy(a => a.Load, StringComparer.Ordinal).ThenBy(a => a.Role, StringComparer.Ordinal)
                .Select(a => (IReadOnlyList<string>)[a.Target, a.Phase, a.Load, a.Role, a.Run.ToString(CultureInfo.InvariantCulture), a.Exchanges.ToString("N0", CultureInfo.InvariantCulture),
                    Report.F(a.AllocatedKbPerExchange), Report.F(a.Gen0Per1000), Report.F(a.Gen1Per1000), Report.F(a.Gen2Per1000), Report.F(a.GcPauseMicrosPerExchange), a.PoolThreads.ToString(CultureInfo.InvariantCulture)])]);
    }

    public static IEnumerable<Report.Section> SoakSections(RunResult r)
    {
        if (r.Soak.Count == 0)
        {
            yield break;
        }

        var roles = r.Soak.SelectMany(s => s.CpuMicrosPerExchange.Keys).Distinct().ToList();
        yield return new Report.Section("Soak: open-loop GET at half the measured capacity",
            "The harness's open-loop generator (evenly spaced, latency from each request's intended send time) at half the target's median GET c64 throughput in the closed loop above, right after it; the generator warms up at the same rate first (its connections), outside the figures. CPU is µs per exchange over the whole soak, warm-up included (its time and its exchanges).",
            ["target", "rate", "from", "seconds", "sent", "errors", "how they failed", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "lag p99 ms", .. roles.Select(x => $"{x} µs")],
            [.. r.Soak.Select(s => (IReadOnlyList<string>)[s.Target, $"{s.Rate:N0}/s", s.RateBasis, Report.F(s.DurationSeconds), s.Sent.ToString("N0", CultureInfo.InvariantCulture),
                s.Errors.ToString(CultureInfo.InvariantCulture), s.Failures.Count == 0 ? "–" : string.Join("; ", s.Failures.Select(f => $"{f.Key} ×{f.Value}")),
                Report.Ms(s.FromIntendedUs.P50), Report.Ms(s.FromIntendedUs.P99), Report.Ms(s.FromIntendedUs.P999), Report.Ms(s.FromIntendedUs.Max), Report.Ms(s.PacerLagUs.P99),
                .. roles.Select(x => s.CpuMicrosPerExchange.TryGetValue(x, out var v) ? v.ToString("0", CultureInfo.InvariantCulture) : "")])]);

        yield return new Report.Section("Soak: each gateway's memory",
            $"RSS is VmRSS from /proc; heap is the managed heap after the last collection (`GET /admin/v1/runtime`); both sampled every {string.Join(" / ", r.Soak.Select(s => $"{s.SampleSeconds:0} s").Distinct())} (10 s; in a soak shorter than 10 minutes a sixtieth of it, at most once a second). Slopes are least-squares lines through the samples of the second half. Judged {Soak.FlatRule}.",
            ["target", "process", "RSS start", "RSS 2nd tenth", "RSS last tenth", "RSS end", "RSS MiB/min", "heap start", "heap end", "heap MiB/min", "peak RSS", "flat", "why"],
            [.. r.Soak.SelectMany(s => s.Memory.Select(m => (IReadOnlyList<string>)[s.Target, m.Role, Report.Bytes(m.RssStartBytes), Report.Bytes(m.RssSecondTenthBytes),
                Report.Bytes(m.RssLastTenthBytes), Report.Bytes(m.RssEndBytes), Slope(m.RssSlopeMiBPerMinute), m.HeapStartBytes is { } h0 ? Report.Bytes(h0) : "–",
                m.HeapEndBytes is { } h1 ? Report.Bytes(h1) : "–", Slope(m.HeapSlopeMiBPerMinute), s.PeakRssBytes.TryGetValue(m.Role, out var peak) ? Report.Bytes(peak) : "–",
                m.Flat ? "yes" : "NO", m.Why]))]);

        yield return new Report.Section("Soak: where each gateway's memory went",
            "Each part as the mean of the soak's second and last tenth, and a least-squares slope through the samples of its second half. GC committed and the native heap are the gateway's own figures (`GET /admin/v1/runtime`: the GC's committed bytes; glibc's mallinfo2 in use and held free; SQLite's sqlite3_memory_used, part of malloc's in use); JIT code is the resident size of the runtime's double-mapped executable memory in /proc/PID/smaps; the rest is RSS less all of those (mapped files, thread stacks, the runtime's own mappings) and only an estimate, since malloc counts what it handed out, touched or not. Not judged: the verdict above is on RSS.",
            ["target", "process", "part", "2nd tenth", "last tenth", "change", "MiB/min"],
            [.. r.Soak.SelectMany(s => s.Memory.SelectMany(m => Soak.Parts(m.Role, s.Samples, s.DurationSeconds)).Select(p => (IReadOnlyList<string>)[s.Target, p.Role, p.Part,
                Report.Bytes(p.SecondTenthBytes), Report.Bytes(p.LastTenthBytes), $"{(p.LastTenthBytes >= p.SecondTenthBytes ? "+" : "−")}{Report.Bytes(Math.Abs(p.LastTenthBytes - p.SecondTenthBytes))}",
                Slope(p.SlopeMiBPerMinute)]))]);

        var gateways = r.Soak.SelectMany(s => s.Memory.Select(m => m.Role)).Distinct().ToList();
        yield return new Report.Section("Soak, tenth by tenth",
            "Requests by their place in the schedule; memory is each gateway's last sample within the tenth.",
            ["target", "tenth", "seconds", "sent", "errors", "p50 ms", "p99 ms", "max ms", .. gateways.SelectMany(g => new[] { $"{g} RSS", $"{g} heap" })],
            [.. r.Soak.SelectMany(s => s.Slices.Select(t => (IReadOnlyList<string>)[s.Target, t.Tenth.ToString(CultureInfo.InvariantCulture), $"{t.FromSeconds:0}–{t.ToSeconds:0}",
                t.Sent.ToString("N0", CultureInfo.InvariantCulture), t.Errors.ToString(CultureInfo.InvariantCulture), Report.Ms(t.P50Us), Report.Ms(t.P99Us), Report.Ms(t.MaxUs),
                .. gateways.SelectMany(g => LastIn(s, g, t) is { } x ? new[] { Report.Bytes(x.RssBytes), x.HeapSizeBytes is { } h ? Report.Bytes(h) : "–" } : ["–", "–"])]))]);
    }

    /// <summary>"10-minute soak at half capacity: no errors, flat memory" per soaked target; a shorter soak is shown but not judged.</summary>
    public static IEnumerable<BudgetRow> SoakBudgets(RunResult r)
    {
        foreach (var s in r.Soak)
        {
            var memory = string.Join(", ", s.Memory.Select(m => $"{m.Role} RSS {m.RssSecondTenthBytes / 1048576.0:0} → {m.RssLastTenthBytes / 1048576.0:0} MiB (2nd → last tenth; {Slope(m.RssSlopeMiBPerMinute)} MiB/min){(m.Flat ? "" : ", not flat")}"));
            var measured = $"{s.Rate:N0}/s ({s.RateBasis}) for {s.DurationSeconds:0} s: {s.Errors:N0} errors of {s.Sent:N0}; {memory}";
            var met = s.Errors == 0 && s.Memory.Count > 0 && s.Memory.All(m => m.Flat);
            var verdict = s.DurationSeconds < Soak.BudgetDuration.TotalSeconds
                ? $"not judged: a {s.DurationSeconds:0} s soak (the budget asks {Soak.BudgetDuration.TotalSeconds:0} s); {(met ? "no errors, flat so far" : "errors or growth already")}"
                : met ? "met" : "NOT met";
            yield return new BudgetRow("10-minute soak at half capacity: no errors, flat memory", s.Target, measured, verdict);
        }
    }

    private static SoakSample? LastIn(SoakRow soak, string role, SoakSlice slice) =>
        soak.Samples.LastOrDefault(x => x.Role == role && x.Seconds >= slice.FromSeconds && x.Seconds < slice.ToSeconds)
        ?? (slice.Tenth == Soak.Slices ? soak.Samples.LastOrDefault(x => x.Role == role) : null);

    private static string Slope(double? value) => value is { } v ? v.ToString("+0.00;−0.00;0.00", CultureInfo.InvariantCulture) : "–";
}

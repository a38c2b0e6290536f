namespace Naqil.LoadHarness.Results;

/// <summary>Issue 5's budgets, checked against what this run measured. Benchmarks, not timed tests: a verdict, never a failure.</summary>
internal static class Budgets
{
    public static IReadOnlyList<BudgetRow> Evaluate(RunResult result)
    {
        var rows = new List<BudgetRow>();
        var naqilTargets = result.Targets.Select(t => t.Name).Where(n => n is not "direct" and not "nginx-pair").ToList();
        foreach (var target in naqilTargets)
        {
            if (result.ClosedLoop.FirstOrDefault(s => s.Target == target && s.Method == "GET" && s.Connections == 64) is { } get64)
            {
                // A variant without extra settings runs the gateway as built: a durable SQLite message log (group commit, synchronous=FULL).
                var plain = result.Settings.Variants.Contains(target);
                rows.Add(new BudgetRow("≥ 4,500 signed, durably logged exchanges/s (GET, 64 connections)", target,
                    $"{get64.RequestsPerSecond:N0}/s{(plain ? " (durable SQLite message log, the gateway default)" : "")}", Verdict(get64.RequestsPerSecond >= 4500)));
            }

            if (result.Ratios.FirstOrDefault(r => r.Target == target && r.Method == "GET" && r.Connections == 64) is { VersusNginx: { } ratio })
            {
                rows.Add(new BudgetRow("≥ 0.20 of the nginx pair's throughput (GET, 64)", target, $"{ratio:0.00}", Verdict(ratio >= 0.20)));
            }

            if (result.OpenLoop.FirstOrDefault(r => r.Target == target) is { AddedP50Ms: { } p50, AddedP99Ms: { } p99 } open)
            {
                rows.Add(new BudgetRow($"added p50 ≤ 2 ms at a steady {open.Rate:N0}/s (open loop)", target, $"{p50:0.00} ms", Verdict(p50 <= 2)));
                rows.Add(new BudgetRow($"added p99 ≤ 10 ms at a steady {open.Rate:N0}/s (open loop)", target, $"{p99:0.00} ms", Verdict(p99 <= 10)));
            }

            if (result.Sequential.FirstOrDefault(r => r.Target == target) is { AddedP50Ms: { } sequential })
            {
                rows.Add(new BudgetRow("added p50 ≤ 1 ms on one sequential connection", target, $"{sequential:0.00} ms", Verdict(sequential <= 1)));
            }

            var peaks = result.ClosedLoop.Where(s => s.Target == target).SelectMany(s => s.PeakRssBytes)
                .Concat(result.OpenLoop.Where(s => s.Target == target).SelectMany(s => s.PeakRssBytes))
                .Where(p => p.Key.EndsWith("-gw", StringComparison.Ordinal))
                .GroupBy(p => p.Key).Select(g => (Role: g.Key, Peak: g.Max(p => p.Value))).ToList();
            if (peaks.Count > 0)
            {
                rows.Add(new BudgetRow("each gateway ≤ 256 MB peak", target, string.Join(", ", peaks.Select(p => $"{p.Role} {p.Peak / 1048576.0:0} MB")), Verdict(peaks.All(p => p.Peak <= 256L << 20))));
            }
        }

        rows.AddRange(RuntimeReport.SoakBudgets(result));
        foreach (var h in result.Hostile)
        {
            var unrefused = h.Cases.Where(c => !c.Refused).Select(c => c.Case).ToList();
            rows.Add(new BudgetRow("hostile input: every case refused, no process dies, nothing stored", h.Target,
                unrefused.Count == 0 ? $"{h.Cases.Count} cases refused" : $"not refused: {string.Join("; ", unrefused)}",
                Verdict(unrefused.Count == 0 && h.DeadProcesses.Count == 0 && h.RegistryMembersBefore == h.RegistryMembersAfter)));
        }

        foreach (var fault in result.Faults)
        {
            // Gateways hold the trust configuration for its lifetime and keep exchanging through the TSA's grace period.
            var keepsServing = fault.Victim == Load.Faults.RegistryRole;
            var log = fault.Log is not { } l ? ", logs not checked"
                : $", {l.Acknowledged} acknowledged, {l.Consumer.Missing} + {l.Provider.Missing} missing from the consumer + provider logs, {(l.Consumer.Verified && l.Provider.Verified ? "both logs verify" : "a log does NOT verify")}";
            rows.Add(new BudgetRow(keepsServing
                    ? $"SIGKILL {fault.Victim}: exchanges go on, no acknowledged exchange missing from a log, the logs verify"
                    : $"SIGKILL {fault.Victim}: clear errors, no hang, recovery within seconds, no acknowledged exchange missing from a log, the logs verify", fault.Target,
                $"{(keepsServing ? $"{fault.Sent - fault.Ok} failed, " : "")}{fault.Hung} hung, max {fault.MaxLatencyMs / 1000:0.0} s, recovery {(fault.RecoverySeconds is { } s ? $"{s:0.0} s" : "never")}{log}",
                Verdict(fault.Hung == 0 && fault.FailedBeforeKill == 0 && fault.RecoverySeconds is <= 5 && fault.Log is { Complete: true } && (!keepsServing || fault.Ok == fault.Sent))));
        }

        rows.AddRange(EventReport.Budgets(result));
        if (result.TrustScale.FirstOrDefault(r => r.Members == 10_000) is { } trust)
        {
            rows.Add(new BudgetRow("10,000-member trust configuration verified and indexed ≤ 200 ms", "gateway", $"{trust.VerifyAndIndexMs:0} ms", Verdict(trust.VerifyAndIndexMs <= 200)));
        }

        if (result.LogScale.Count > 0)
        {
            var slowest = result.LogScale.Min(r => r.EntriesPerSecond);
            rows.Add(new BudgetRow("log verification ≥ 200,000 entries/s", "log", $"{slowest:N0}/s (slowest size, median of warm passes)", Verdict(slowest >= 200_000)));
            var largest = result.LogScale.MaxBy(r => r.Entries)!;
            var bound = 2 * Math.Ceiling(Math.Log2(largest.Entries));
            rows.Add(new BudgetRow("proofs of O(log n) size", "log", $"{largest.InclusionHashes} + {largest.ConsistencyHashes} hashes at n = {largest.Entries:N0} (⌈log2 n⌉ = {Math.Ceiling(Math.Log2(largest.Entries))})",
                Verdict(largest.InclusionHashes <= bound / 2 && largest.ConsistencyHashes <= bound)));
        }

        return rows;
    }

    private static string Verdict(bool met) => met ? "met" : "NOT met";
}

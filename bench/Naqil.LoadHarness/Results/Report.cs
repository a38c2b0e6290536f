using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace Naqil.LoadHarness.Results;

/// <summary>Turns a <see cref="RunResult"/> into tables: printed with Spectre.Console and written as <c>latest.md</c> and <c>latest.json</c>.</summary>
internal static class Report
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    internal sealed record Section(string Title, string? Note, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows);

    public static IReadOnlyList<Section> Sections(RunResult r)
    {
        var sections = new List<Section>();
        var roles = r.ClosedLoop.SelectMany(s => s.CpuMicrosPerExchange.Keys).Distinct().ToList();
        if (r.ClosedLoop.Count > 0)
        {
            sections.Add(new Section("Closed loop (wrk): throughput, latency and CPU per exchange",
                $"Median of {r.Settings.Runs} interleaved run(s) of {r.Settings.CellSeconds:0} s; GET answers {Answer(r, "GET")}, POST sends {Bytes(r.Settings.PostBytes)}. CPU is user+system time of each process over the cell ÷ exchanges (µs), counted in the total; postgres is the harness's PostgreSQL server (the postmaster and every process under it), which only the PostgreSQL variant uses; load-gen is wrk itself.",
                ["target", "load", "req/s (min–max)", "p50 ms", "p90 ms", "p99 ms", "errors", .. roles.Select(x => $"{x} µs"), "total µs", "load-gen µs"],
                [.. r.ClosedLoop.Select(s => (IReadOnlyList<string>)[s.Target, $"{s.Method} c{s.Connections}", $"{s.RequestsPerSecond:N0} ({s.MinRequestsPerSecond:N0}–{s.MaxRequestsPerSecond:N0})",
                    F(s.P50Ms), F(s.P90Ms), F(s.P99Ms), s.Errors.ToString(CultureInfo.InvariantCulture),
                    .. roles.Select(x => s.CpuMicrosPerExchange.TryGetValue(x, out var v) ? v.ToString("0", CultureInfo.InvariantCulture) : ""),
                    s.CpuMicrosTotal.ToString("0", CultureInfo.InvariantCulture), s.LoadGeneratorCpuMicros.ToString("0", CultureInfo.InvariantCulture)])]));
        }

        if (r.Ratios.Count > 0)
        {
            sections.Add(new Section("Ratios of throughput", null, ["target", "load", "÷ direct", "÷ nginx pair"],
                [.. r.Ratios.Select(x => (IReadOnlyList<string>)[x.Target, $"{x.Method} c{x.Connections}", x.VersusDirect?.ToString("0.00", CultureInfo.InvariantCulture) ?? "–", x.VersusNginx?.ToString("0.00", CultureInfo.InvariantCulture) ?? "–"])]));
        }

        sections.AddRange(RuntimeReport.AllocationSections(r));
        if (r.OpenLoop.Count > 0)
        {
            var openRoles = r.OpenLoop.SelectMany(s => s.CpuMicrosPerExchange.Keys).Distinct().ToList();
            sections.Add(new Section($"Open loop: a steady {r.Settings.Rate:N0} GET/s spread evenly",
                "Latency from each request's intended send time (no coordinated omission); 'service' from its actual send time; 'lag' is how late the generator sent (its own jitter, shared by all targets). Full histograms in bench/results/histograms/.",
                ["target", "sent", "errors", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "added p50", "added p99", "service p50", "lag p99", .. openRoles.Select(x => $"{x} µs"), "peak RSS"],
                [.. r.OpenLoop.Select(o => (IReadOnlyList<string>)[o.Target, o.Count.ToString("N0", CultureInfo.InvariantCulture), o.Errors.ToString(CultureInfo.InvariantCulture),
                    Ms(o.FromIntendedUs.P50), Ms(o.FromIntendedUs.P90), Ms(o.FromIntendedUs.P99), Ms(o.FromIntendedUs.P999), Ms(o.FromIntendedUs.Max),
                    o.AddedP50Ms is { } a ? F(a) : "–", o.AddedP99Ms is { } b ? F(b) : "–", Ms(o.ServiceUs.P50), Ms(o.PacerLagUs.P99),
                    .. openRoles.Select(x => o.CpuMicrosPerExchange.TryGetValue(x, out var v) ? v.ToString("0", CultureInfo.InvariantCulture) : ""),
                    string.Join(", ", o.PeakRssBytes.Where(p => p.Key != "backend").Select(p => $"{p.Key} {Bytes(p.Value)}"))])]));
        }

        if (r.Sequential.Count > 0)
        {
            var sequentialRoles = r.Sequential.SelectMany(s => s.CpuMicrosPerExchange.Keys).Distinct().ToList();
            sections.Add(new Section("One connection, one GET after another",
                "CPU is µs per exchange, the warm-up's requests included: set beside the closed loop's, it is what an exchange costs when nothing else is queued (threads waking and spinning, a commit and fsync of its own).",
                ["target", "requests", "errors", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "added p50", .. sequentialRoles.Select(x => $"{x} µs")],
                [.. r.Sequential.Select(s => (IReadOnlyList<string>)[s.Target, s.Count.ToString("N0", CultureInfo.InvariantCulture), s.Errors.ToString(CultureInfo.InvariantCulture),
                    s.RequestsPerSecond.ToString("N0", CultureInfo.InvariantCulture), Ms(s.LatencyUs.P50), Ms(s.LatencyUs.P90), Ms(s.LatencyUs.P99), Ms(s.LatencyUs.Max), s.AddedP50Ms is { } a ? F(a) : "–",
                    .. sequentialRoles.Select(x => s.CpuMicrosPerExchange.TryGetValue(x, out var v) ? v.ToString("0", CultureInfo.InvariantCulture) : "")])]));
        }

        var peaks = r.ClosedLoop.SelectMany(s => s.PeakRssBytes.Select(p => (s.Target, Role: p.Key, Peak: p.Value)))
            .Concat(r.OpenLoop.SelectMany(s => s.PeakRssBytes.Select(p => (s.Target, Role: p.Key, Peak: p.Value))))
            .Where(p => p.Role != "backend").GroupBy(p => (p.Target, p.Role)).Select(g => (g.Key.Target, g.Key.Role, Peak: g.Max(p => p.Peak))).ToList();
        if (peaks.Count > 0)
        {
            sections.Add(new Section("Peak memory per gateway or proxy (VmHWM, reset before each measurement; max over the run; nginx: master + workers)", null, ["target", "process", "peak RSS"],
                [.. peaks.Select(p => (IReadOnlyList<string>)[p.Target, p.Role, Bytes(p.Peak)])]));
        }

        sections.AddRange(RuntimeReport.SoakSections(r));
        if (r.BodySizes.Count > 0)
        {
            var bodyRoles = r.BodySizes.SelectMany(s => s.CpuMicrosPerExchange.Keys).Distinct().ToList();
            sections.Add(new Section("How cost grows with the body (POST, 16 connections)", null,
                ["body", "target", "req/s", "MB/s", "p50 ms", "p99 ms", "errors", "÷ direct", .. bodyRoles.Select(x => $"{x} µs")],
                [.. r.BodySizes.Select(b => (IReadOnlyList<string>)[Bytes(b.BodyBytes), b.Target, b.RequestsPerSecond.ToString("N0", CultureInfo.InvariantCulture), F(b.MegabytesPerSecond),
                    F(b.P50Ms), F(b.P99Ms), b.Errors.ToString(CultureInfo.InvariantCulture), b.VersusDirect?.ToString("0.00", CultureInfo.InvariantCulture) ?? "–",
                    .. bodyRoles.Select(x => b.CpuMicrosPerExchange.TryGetValue(x, out var v) ? v.ToString("0", CultureInfo.InvariantCulture) : "")])]));
        }

        if (r.Faults.Count > 0)
        {
            sections.Add(new Section("Faults under load: SIGKILL one process, start it again",
                "An open-loop GET load runs throughout; the process is killed with SIGKILL, left down, then started again with the same configuration (registry/TSA: the registry, which serves the trust configuration and the sandbox TSA; postgres: the postmaster of the log's database server). A request counts as failed before the kill only if it ended before it; one still open at the kill counts with the outage ('in flight'). 'recovery' is from the restart to the last failed request. A request open longer than 40 s (beyond the gateway's 5 s connect + 30 s response timeouts) counts as hung. Log checks: every exchange the consumer face acknowledged (HTTP 200, its Naqil-Id) must be in both gateways' logs, exported with `naqil log export` once each has signed a tree head over the run, and both exports must pass `naqil log verify`.",
                ["target", "killed", "rate", "down s", "sent", "ok", "failed before", "failed while down", "failed after restart", "how they failed", "max ms", "max ms while down", "hung", "recovery s",
                    "acknowledged", "missing: consumer log", "missing: provider log", "logs verify", "timestamp tokens in the exports, gateways' warnings"],
                [.. r.Faults.Select(f => (IReadOnlyList<string>)[f.Target, f.Victim, f.Rate.ToString(CultureInfo.InvariantCulture), F(f.DownSeconds), f.Sent.ToString(CultureInfo.InvariantCulture),
                    f.Ok.ToString(CultureInfo.InvariantCulture), f.FailedBeforeKill.ToString(CultureInfo.InvariantCulture),
                    f.FailedWhileDown.ToString(CultureInfo.InvariantCulture) + (f.FailedInFlightAtKill > 0 ? $" ({f.FailedInFlightAtKill} in flight)" : ""),
                    f.FailedAfterRestart.ToString(CultureInfo.InvariantCulture), string.Join("; ", f.Failures.OrderByDescending(p => p.Value).Select(p => $"{p.Key} ×{p.Value}")),
                    F(f.MaxLatencyMs), F(f.MaxLatencyWhileDownMs), f.Hung.ToString(CultureInfo.InvariantCulture), f.RecoverySeconds is { } s ? F(s) : "never",
                    f.Log is { } l ? l.Acknowledged.ToString(CultureInfo.InvariantCulture) + (l.AcknowledgedWithoutId > 0 ? $" ({l.AcknowledgedWithoutId} without Naqil-Id)" : "") : "–",
                    f.Log is null ? "–" : Missing(f.Log.Consumer), f.Log is null ? "–" : Missing(f.Log.Provider),
                    f.Log is null ? "–" : LogVerdict(f.Log),
                    f.Log is null ? "" : $"{Events(f.Log.Consumer)}; {Events(f.Log.Provider)}"])]));
        }

        sections.AddRange(EventReport.Sections(r));
        sections.AddRange(LookupReport.Sections(r));
        sections.AddRange(PaymentReport.Sections(r));
        foreach (var h in r.Hostile)
        {
            sections.Add(new Section($"Hostile input against every face of {h.Target}",
                $"Raw bytes (no client library tidies them). 'refused': a 4xx, or the TLS handshake or connection refused (for the two 'expect 200' cases: served normally); 'clear': a problem+json body or Naqil-Error code (or Kestrel's own 400/413/431). Processes that died: {(h.DeadProcesses.Count == 0 ? "none" : string.Join(", ", h.DeadProcesses))}. Registry members before → after: {h.RegistryMembersBefore} → {h.RegistryMembersAfter}. Slowloris: {h.Slowloris.SlowConnections} connections dribbling a header byte a second ({h.Slowloris.StillOpen} still open after the test), meanwhile {h.Slowloris.Exchanges} ordinary exchanges, {h.Slowloris.Errors} errors, p50 {F(h.Slowloris.P50Ms)} ms, p99 {F(h.Slowloris.P99Ms)} ms.",
                ["face", "case", "answer", "refused", "clear"],
                [.. h.Cases.Select(c => (IReadOnlyList<string>)[c.Face, c.Case, c.Outcome, c.Refused ? "yes" : "NO", c.Clear ? "yes" : "NO"])]));
        }

        if (r.TrustScale.Count > 0)
        {
            sections.Add(new Section("How cost grows with the trust configuration",
                "Each member has one subsystem, one service and one gateway with its own TLS and signing certificates. Medians of five; fetch is a loopback GET of the signed document. Total is what a gateway does when it adopts the fetched document, its own TrustSnapshot.TryVerifyAndIndex timed as one, with no previous snapshot; verify (the detached ES256 JWS over the whole document), parse (System.Text.Json) and index (identifiers, addresses, every certificate's DER walk, P-256 check and thumbprint, the dictionaries) are its three steps timed apart, interleaved with it. First is the first such call at that size, before the process has grown its heap for it (a gateway that has just started). Next serial is the same path for the re-signed document with the first snapshot held. Lookup is the three per-exchange lookups.",
                ["members", "document", "sign ms", "fetch ms", "verify ms", "parse ms", "index ms", "total ms", "first ms", "next serial ms", "lookup ns"],
                [.. r.TrustScale.Select(t => (IReadOnlyList<string>)[t.Members.ToString("N0", CultureInfo.InvariantCulture), Bytes(t.PayloadBytes), F(t.SignMs), F(t.FetchMs), F(t.VerifyMs), F(t.ParseMs), F(t.IndexMs), F(t.VerifyAndIndexMs), F(t.FirstMs), F(t.NextSerialMs), t.LookupNs.ToString("0", CultureInfo.InvariantCulture)])]));
        }

        if (r.LogScale.Count > 0)
        {
            sections.Add(new Section("How cost grows with the message log",
                $"Verification hashes every entry (~{Bytes(r.LogScale[0].EntryBytes)} of JSON) as an RFC 9162 leaf, rebuilds the tree and compares the root. First is the first pass at that size in the harness's process (the first row's includes compiling the code, what a fresh `naqil log verify` pays once); verify ms and entries/s are the median of the warm passes after it (at least 3, up to 9 or a second). Proofs: inclusion of leaf n/2, consistency n/2 → n; generation from in-memory leaf hashes with no subtree cache (O(n)).",
                ["entries", "first ms", "warm passes", "verify ms", "entries/s", "inclusion hashes", "bytes", "create ms", "verify µs", "consistency hashes", "bytes", "create ms", "verify µs"],
                [.. r.LogScale.Select(l => (IReadOnlyList<string>)[l.Entries.ToString("N0", CultureInfo.InvariantCulture), F(l.FirstMs), l.WarmPasses.ToString(CultureInfo.InvariantCulture), F(l.VerifyMs), l.EntriesPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                    l.InclusionHashes.ToString(CultureInfo.InvariantCulture), l.InclusionBytes.ToString(CultureInfo.InvariantCulture), F(l.InclusionCreateMs), F(l.InclusionVerifyUs),
                    l.ConsistencyHashes.ToString(CultureInfo.InvariantCulture), l.ConsistencyBytes.ToString(CultureInfo.InvariantCulture), F(l.ConsistencyCreateMs), F(l.ConsistencyVerifyUs)])]));
        }

        if (r.Budgets.Count > 0)
        {
            sections.Add(new Section("Budgets (issue 5)", null, ["budget", "where", "measured", "verdict"],
                [.. r.Budgets.Select(b => (IReadOnlyList<string>)[b.Budget, b.Target, b.Measured, b.Verdict])]));
        }

        return sections;
    }

    public static void Print(RunResult result)
    {
        AnsiConsole.WriteLine();
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(result.Machine.CpuModel)}[/], {result.Machine.LogicalCores} cores; load average {Markup.Escape(result.Machine.LoadAverageAtStart)} at start");
        foreach (var section in Sections(result))
        {
            var table = new Table { Title = new TableTitle(Markup.Escape(section.Title)), Border = TableBorder.Rounded };
            foreach (var header in section.Headers)
            {
                table.AddColumn(new TableColumn(Markup.Escape(header)).RightAligned());
            }

            foreach (var row in section.Rows)
            {
                table.AddRow([.. row.Select(c => Markup.Escape(c))]);
            }

            AnsiConsole.Write(table);
        }

        foreach (var note in result.Notes)
        {
            AnsiConsole.MarkupLine($"[yellow]note:[/] {Markup.Escape(note)}");
        }
    }

    public static async Task WriteAsync(RunResult result, string folder)
    {
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "latest.json"), JsonSerializer.Serialize(result, Json) + "\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "latest.md"), Markdown(result));
    }

    public static string Markdown(RunResult r)
    {
        var md = new StringBuilder();
        var m = r.Machine;
        md.AppendLine("# Naqil load harness — latest run").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Written by `bench/Naqil.LoadHarness` ({(r.Settings.Quick ? "**--quick** smoke run: short cells, not for comparison" : "full run")}); see `docs/performance.md` for what each table means.").AppendLine();
        md.AppendLine("| machine | |").AppendLine("|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| CPU | {m.CpuModel}, {m.LogicalCores} logical cores |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| memory | {Bytes(m.MemoryBytes)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| kernel / runtime | {m.Kernel} / {m.Runtime} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| load average at start → end | {m.LoadAverageAtStart} → {m.LoadAverageAtEnd} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| started, wall time | {m.Started:yyyy-MM-dd HH:mm zzz}, {m.WallSeconds:0} s |").AppendLine();
        var s = r.Settings;
        md.AppendLine("| setting | value |").AppendLine("|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| runtime environment of every .NET process | {(s.DotnetEnvironment.Count == 0 ? "(none)" : string.Join(", ", s.DotnetEnvironment.Select(e => $"`{e.Key}={e.Value}`")))} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| GC of gateways, registry, backend / of the harness | {s.GcMode} / {s.HarnessGc}; tiered compilation and PGO at their defaults |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| closed loop | wrk, {s.WrkThreads} threads, {string.Join(" and ", s.Connections)} connections, {s.Runs} run(s) × {s.CellSeconds:0} s per cell, interleaved; {s.WarmupSeconds:0} s warm-up per target |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| open loop / sequential | {s.Rate:N0}/s for {s.OpenLoopSeconds:0} s per target / {s.SequentialRequests:N0} requests per target |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| nginx | `{s.Nginx}`, worker_processes {s.NginxWorkers} per proxy |");
        if (s.Events is not null)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| events | {s.Events} |");
        }

        if (s.Skipped.Count > 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| skipped | {string.Join(", ", s.Skipped)} |");
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"| naqil | `{s.Naqil}`; variants: {string.Join(" · ", s.Variants)} |").AppendLine();
        md.AppendLine("| target | what | GET answer | processes |").AppendLine("|---|---|---|---|");
        foreach (var t in r.Targets)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {t.Name} | {t.Description} | {t.GetResponseBytes} B | {string.Join(", ", t.Processes)} |");
        }

        md.AppendLine();
        foreach (var section in Sections(r))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"## {section.Title}").AppendLine();
            if (section.Note is not null)
            {
                md.AppendLine(section.Note).AppendLine();
            }

            md.AppendLine("| " + string.Join(" | ", section.Headers) + " |");
            md.AppendLine("|" + string.Concat(section.Headers.Select(_ => "---|")));
            foreach (var row in section.Rows)
            {
                md.AppendLine("| " + string.Join(" | ", row) + " |");
            }

            md.AppendLine();
        }

        if (r.Notes.Count > 0)
        {
            md.AppendLine("## Notes").AppendLine();
            foreach (var note in r.Notes)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
            }
        }

        return md.ToString();
    }

    private static string Missing(Load.GatewayLogCheck log) =>
        log.Missing == 0 ? "0" : $"{log.Missing} (e.g. {string.Join(", ", log.MissingSample)})";

    private static string Events(Load.GatewayLogCheck log) => $"{log.Gateway}: {log.Timestamps} tokens{(log.Events.Length > 0 ? $", {log.Events}" : "")}";

    private static string LogVerdict(Load.FaultLogResult log)
    {
        string One(Load.GatewayLogCheck g) => (g.Verified ? "" : $"{g.Gateway}: {g.Verify}") + (g.Warning is null ? "" : $" ({g.Gateway} export: {g.Warning})");
        var details = string.Join("; ", new[] { One(log.Consumer), One(log.Provider) }.Where(d => d.Length > 0)).Trim();
        return (log.Consumer.Verified && log.Provider.Verified ? "yes" : "NO") + (details.Length > 0 ? $" — {details}" : "");
    }

    private static string Answer(RunResult r, string method) =>
        string.Join(", ", r.Targets.Select(t => $"{t.Name} {(method == "GET" ? t.GetResponseBytes : t.PostResponseBytes)} B").Distinct());

    internal static string F(double value) => value.ToString(value >= 100 ? "0" : value >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture);

    internal static string Ms(long micros) => F(micros / 1000.0);

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1 << 30 => $"{bytes / (double)(1 << 30):0.#} GiB",
        >= 1 << 20 => $"{bytes / (double)(1 << 20):0.#} MiB",
        >= 1 << 10 => $"{bytes / 1024.0:0.#} KiB",
        _ => $"{bytes} B",
    };
}

using System.Globalization;
using Naqil.LoadHarness.Load;

namespace Naqil.LoadHarness.Results;

/// <summary>The tables and budget lines of the event phases: throughput beside the exchange, lag, and delivery through faults.</summary>
internal static class EventReport
{
    public static IEnumerable<Report.Section> Sections(RunResult r)
    {
        if (r.Events.Count > 0)
        {
            var roles = r.Events.SelectMany(e => e.CpuMicrosPerEvent.Keys).Distinct().ToList();
            yield return new Report.Section("Events: throughput beside the exchange",
                "The consumer side's client publishes events (about 200 bytes of JSON, a fresh Naqil-Id each) on its gateway (`POST /e1/{topic}`) on N connections, one after another on each, for as long as a closed-loop cell; the gateway stores each in its outbox and message log (202), delivers to the provider side's gateway in batches, which posts each event to the backend's `POST /events`. Delivered/s counts the events that arrived at the backend within the publishing window; what was still on its way then drains afterwards ('drain s'). The ratio is delivered/s ÷ the exchange's GET throughput at the same connections in this run's closed loop. CPU is µs per accepted event over the window and the drain; load-gen is the harness's own publisher.",
                ["target", "connections", "seconds", "accepted/s", "delivered/s", "backlog at end", "drain s", "lost", "duplicated", "publish failures", "202 p50 ms", "202 p99 ms",
                    "exchange GET/s", "delivered ÷ exchange", .. roles.Select(x => $"{x} µs")],
                [.. r.Events.Select(e => (IReadOnlyList<string>)[e.Target, e.Connections.ToString(CultureInfo.InvariantCulture), Report.F(e.Seconds), e.AcceptedPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                    e.DeliveredPerSecond.ToString("N0", CultureInfo.InvariantCulture), e.BacklogAtEnd.ToString("N0", CultureInfo.InvariantCulture), e.DrainSeconds is { } d ? Report.F(d) : "not drained",
                    e.Lost.ToString(CultureInfo.InvariantCulture), e.Duplicated.ToString(CultureInfo.InvariantCulture), Failures(e.PublishFailures),
                    Report.Ms(e.PublishUs.P50), Report.Ms(e.PublishUs.P99), e.ExchangeGetPerSecond is { } x ? x.ToString("N0", CultureInfo.InvariantCulture) : "–",
                    e.RatioToExchange is { } ratio ? ratio.ToString("0.00", CultureInfo.InvariantCulture) : "–",
                    .. roles.Select(x => e.CpuMicrosPerEvent.TryGetValue(x, out var v) ? v.ToString("0", CultureInfo.InvariantCulture) : "")])]);
        }

        if (r.EventLag.Count > 0)
        {
            yield return new Report.Section("Events: lag at a steady rate",
                "Events published at a steady rate spread evenly by a pacing thread (open loop), the subscriber healthy. Lag is each event's first arrival at the backend (its clock when `POST /events` came in) less the moment the publisher sent it (wall clock of the same host, read just before the request): it holds the publish (outbox, log, 202), the delivery across the gateways and the post to the backend. 202 is the publish latency alone. Full histograms in bench/results/histograms/.",
                ["target", "rate", "seconds", "sent", "accepted", "publish failures", "arrived", "lost", "duplicated", "lag p50 ms", "lag p90 ms", "lag p99 ms", "lag p99.9 ms", "lag max ms", "202 p50 ms", "202 p99 ms"],
                [.. r.EventLag.Select(l => (IReadOnlyList<string>)[l.Target, $"{l.Rate:N0}/s", Report.F(l.Seconds), l.Sent.ToString("N0", CultureInfo.InvariantCulture), l.Accepted.ToString("N0", CultureInfo.InvariantCulture),
                    Failures(l.PublishFailures), l.Arrived.ToString("N0", CultureInfo.InvariantCulture), l.Lost.ToString(CultureInfo.InvariantCulture), l.Duplicated.ToString(CultureInfo.InvariantCulture),
                    Report.Ms(l.LagUs.P50), Report.Ms(l.LagUs.P90), Report.Ms(l.LagUs.P99), Report.Ms(l.LagUs.P999), Report.Ms(l.LagUs.Max), Report.Ms(l.PublishUs.P50), Report.Ms(l.PublishUs.P99)])]);
        }

        if (r.EventFaults.Count > 0)
        {
            yield return new Report.Section("Events through faults: SIGKILL a process on the events' path, start it again",
                "One sequential publisher (each event sent once the one before was answered, so the order of the 202s is the order of publication) at a steady rate while a process is killed with SIGKILL and started again; the gateways retry failed deliveries after 0.5 s doubling to at most 2 s (`Gateway:Events`). Then, once the publisher's gateway had nothing pending (bounded wait), the backend's record (journalled to a file, so it outlives the backend's own kill) against the 202s. Lost: accepted, never arrived. Duplicated: arrived again after the backend had acknowledged it ('at the kill': acknowledged at most 1 s before the subscriber's gateway was killed, which records what its backend acknowledged only after posting a delivery's events, so it had no record of them when it came back). Redelivered: arrived again after an arrival whose answer the backend never got out (killed), which at-least-once allows. Out of order: arrived after an event published later. Extra: arrived without its 202 reaching the publisher (the gateway was killed between storing and answering), allowed. Recovery: from the restart until every event accepted before it had arrived; drain: from the publisher stopping until nothing was pending.",
                ["target", "fault", "down s", "sent", "accepted", "publish failures", "backlog at restart", "arrived", "lost", "duplicated", "redelivered", "out of order", "extra", "dead letters",
                    "pending after", "recovery s", "drain s", "passed"],
                [.. r.EventFaults.Select(f => (IReadOnlyList<string>)[f.Target, f.Fault, Report.F(f.DownSeconds), f.Sent.ToString("N0", CultureInfo.InvariantCulture), f.Accepted.ToString("N0", CultureInfo.InvariantCulture),
                    Failures(f.PublishFailures), f.BacklogAtRestart.ToString(CultureInfo.InvariantCulture), f.Arrived.ToString("N0", CultureInfo.InvariantCulture),
                    f.Lost == 0 ? "0" : $"{f.Lost} (e.g. {string.Join(", ", f.LostSample)})", Duplicates(f), f.Redelivered.ToString(CultureInfo.InvariantCulture),
                    f.OutOfOrder.ToString(CultureInfo.InvariantCulture), f.Extra.ToString(CultureInfo.InvariantCulture), f.DeadLetters.ToString(CultureInfo.InvariantCulture),
                    f.PendingAfter?.ToString(CultureInfo.InvariantCulture) ?? "no answer", f.RecoverySeconds is { } s ? Report.F(s) : "never", f.DrainSeconds is { } d ? Report.F(d) : "not drained",
                    f.Passed ? "yes" : "NO"])]);
        }
    }

    public static IEnumerable<BudgetRow> Budgets(RunResult r)
    {
        foreach (var e in r.Events)
        {
            yield return new BudgetRow($"events delivered ≥ 0.5 of the exchange's throughput (GET, {e.Connections} connections)", e.Target,
                e.RatioToExchange is { } ratio
                    ? $"{e.DeliveredPerSecond:N0} delivered/s ÷ {e.ExchangeGetPerSecond:N0} exchanges/s = {ratio:0.00} ({e.AcceptedPerSecond:N0} accepted/s)"
                    : $"{e.DeliveredPerSecond:N0} delivered/s; no closed-loop GET c{e.Connections} in this run to compare with",
                e.RatioToExchange is { } met ? Verdict(met >= 0.5) : "not judged");
        }

        foreach (var l in r.EventLag)
        {
            yield return new BudgetRow($"event lag p99 ≤ 50 ms at a steady {l.Rate:N0}/s (send → arrival at the backend)", l.Target,
                $"p50 {Report.Ms(l.LagUs.P50)} ms, p99 {Report.Ms(l.LagUs.P99)} ms, max {Report.Ms(l.LagUs.Max)} ms; {l.Lost} lost of {l.Accepted:N0}",
                Verdict(l.LagUs.P99 <= 50_000 && l.Lost == 0 && l.Arrived > 0));
        }

        foreach (var target in r.EventFaults.GroupBy(f => f.Target))
        {
            yield return new BudgetRow("events through SIGKILLs (subscriber's gateway, backend, publisher's gateway with a backlog): 0 lost, 0 duplicated, 0 out of order, no dead letters", target.Key,
                "lost/duplicated/out of order: " + string.Join("; ", target.Select(f => $"{f.Fault}: {f.Lost}/{f.Duplicated}/{f.OutOfOrder} of {f.Accepted:N0}{(f.DuplicatedAtSubscriberKill > 0 ? $" ({f.DuplicatedAtSubscriberKill} duplicated at the subscriber's gateway's kill)" : "")}, {f.DeadLetters} dead, recovery {(f.RecoverySeconds is { } s ? $"{s:0.0} s" : "never")}")),
                Verdict(target.All(f => f.Passed)));
        }
    }

    private static string Duplicates(EventFaultRow f) =>
        f.Duplicated == 0 ? "0" : $"{f.Duplicated} ({f.DuplicatedAtSubscriberKill} at the kill; {string.Join("; ", f.DuplicateSample.Take(2))})";

    private static string Failures(IReadOnlyDictionary<string, int> failures) =>
        failures.Count == 0 ? "0" : string.Join("; ", failures.OrderByDescending(p => p.Value).Select(p => $"{p.Key} ×{p.Value}"));

    private static string Verdict(bool met) => met ? "met" : "NOT met";
}

using System.Collections.Concurrent;
using System.Diagnostics;
using Naqil.LoadHarness.Targets;

namespace Naqil.LoadHarness.Load;

/// <summary>
/// Events beside the exchange, through the same two gateways (both logging durably): the client of
/// the consumer side publishes on its gateway, which delivers to the provider side's gateway, which
/// posts each event to the backend. Throughput: publishers on N connections, one event after
/// another each, and what the backend received per second over that window. Lag: a steady, paced
/// rate, and for each event its arrival at the backend less the moment the publisher sent it.
/// </summary>
internal static class EventPhases
{
    /// <summary>Publishes for <paramref name="duration"/> (JIT, pools, the outbox's pages), waits for the backlog to drain, and forgets what arrived.</summary>
    public static async Task WarmUpAsync(Target target, string backendUrl, int connections, TimeSpan duration)
    {
        var publisher = target.Deployment!.Consumer;
        using var http = EventLoad.Client(4);
        await EventLoad.ClosedLoopAsync(target.Url(Paths.Publish), connections, duration);
        await EventLoad.WaitDrainedAsync(http, publisher, backendUrl, 0, TimeSpan.FromMinutes(2));
        await EventLoad.ForgetReceivedAsync(http, backendUrl);
    }

    /// <summary>
    /// Publishes on <paramref name="connections"/> connections for <paramref name="duration"/>, then
    /// waits (bounded) until everything accepted has been delivered. The delivered rate counts the
    /// events that arrived at the backend within the publishing window.
    /// </summary>
    public static async Task<EventThroughputRow> ThroughputAsync(Target target, string backendUrl, int connections, TimeSpan duration)
    {
        var publisher = target.Deployment!.Consumer;
        using var http = EventLoad.Client(4);
        await StartCleanAsync(http, publisher, backendUrl);
        var start = Backend.EventSink.NowMicros();
        var published = await EventLoad.ClosedLoopAsync(target.Url(Paths.Publish), connections, duration);
        var end = Backend.EventSink.NowMicros();
        var accepted = published.Where(p => p.Accepted).ToList();
        // Long enough for a backlog several times the window to drain at the rate it was delivered.
        var drainTimeout = TimeSpan.FromSeconds(Math.Max(60, duration.TotalSeconds * 20));
        var drained = await EventLoad.WaitDrainedAsync(http, publisher, backendUrl, accepted.Count, drainTimeout);
        var received = await EventLoad.ReceivedAsync(http, backendUrl, list: true);
        var check = EventLoad.Check(accepted, received, ordered: false);
        var inWindow = accepted.Count(p => check.FirstArrivalMicros.TryGetValue(p.Id, out var at) && at <= end);
        var seconds = (end - start) / 1e6;
        var publishLatency = new LatencyHistogram();
        foreach (var p in accepted)
        {
            publishLatency.Record(p.AnsweredMicros - p.SentMicros);
        }

        return new EventThroughputRow(target.Name, connections, seconds, published.Count, accepted.Count, Failures(published), accepted.Count / seconds,
            inWindow, inWindow / seconds, accepted.Count - inWindow, drained, check.Lost, check.Duplicated, publishLatency.Summary(), null, null, new Dictionary<string, double>());
    }

    /// <summary>
    /// A steady <paramref name="rate"/> of events for <paramref name="duration"/>, spread evenly by a
    /// pacing thread (open loop: a slow answer does not hold the next event back); each event's lag
    /// is its first arrival at the backend less the moment the publisher sent it.
    /// </summary>
    public static async Task<EventLagRow> LagAsync(Target target, string backendUrl, int rate, TimeSpan duration)
    {
        var publisher = target.Deployment!.Consumer;
        using var http = EventLoad.Client(4);
        await StartCleanAsync(http, publisher, backendUrl);
        var published = await OpenLoopAsync(target.Url(Paths.Publish), rate, duration);
        var accepted = published.Where(p => p.Accepted).ToList();
        var drained = await EventLoad.WaitDrainedAsync(http, publisher, backendUrl, accepted.Count, TimeSpan.FromSeconds(60));
        var received = await EventLoad.ReceivedAsync(http, backendUrl, list: true);
        var check = EventLoad.Check(accepted, received, ordered: false);
        var lag = new LatencyHistogram();
        var publishLatency = new LatencyHistogram();
        foreach (var p in accepted)
        {
            publishLatency.Record(p.AnsweredMicros - p.SentMicros);
            if (check.FirstArrivalMicros.TryGetValue(p.Id, out var at))
            {
                lag.Record(at - p.SentMicros);
            }
        }

        return new EventLagRow(target.Name, rate, duration.TotalSeconds, published.Count, accepted.Count, Failures(published), check.Arrived, check.Lost, check.Duplicated,
            drained, lag.Summary(), publishLatency.Summary(), null)
        {
            Histogram = lag,
        };
    }

    /// <summary>Nothing pending from an earlier phase, and the backend's record empty.</summary>
    internal static async Task StartCleanAsync(HttpClient http, Targets.NaqilGateway publisher, string backendUrl)
    {
        if (await EventLoad.WaitDrainedAsync(http, publisher, backendUrl, 0, TimeSpan.FromMinutes(2)) is null)
        {
            throw new HarnessException($"{publisher.Role} still has events pending for {Paths.Subscriber} after 2 minutes; its log: see the run's temp folder");
        }

        await EventLoad.ForgetReceivedAsync(http, backendUrl);
    }

    internal static IReadOnlyDictionary<string, int> Failures(IEnumerable<PublishedEvent> published) =>
        published.Where(p => !p.Accepted).GroupBy(p => p.Result).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    private static async Task<List<PublishedEvent>> OpenLoopAsync(string url, int rate, TimeSpan duration)
    {
        using var http = EventLoad.Client(256);
        var total = (long)(rate * duration.TotalSeconds);
        var interval = (double)Stopwatch.Frequency / rate;
        var published = new ConcurrentBag<PublishedEvent>();
        var pending = new ConcurrentBag<Task>();
        var start = Stopwatch.GetTimestamp();
        // As HttpLoad's open loop: a dedicated thread sleeping in ~1 ms steps, no spinning on two cores.
        var pacer = new Thread(() =>
        {
            for (long i = 0; i < total; i++)
            {
                var intended = start + (long)(i * interval);
                while (Stopwatch.GetTimestamp() < intended)
                {
                    Thread.Sleep(1);
                }

                var seq = i;
                pending.Add(Task.Run(async () => published.Add(await EventLoad.PublishAsync(http, url, seq))));
            }
        })
        { IsBackground = true, Name = "event pacer", Priority = ThreadPriority.AboveNormal };
        pacer.Start();
        await Task.Run(() => pacer.Join(duration + TimeSpan.FromSeconds(60)));
        await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(60));
        return [.. published.OrderBy(p => p.Seq)];
    }
}

/// <summary>
/// Event throughput on one target: events published (202) and delivered at the backend within the
/// window, per second; what was still on its way at the window's end and how long it took to drain
/// (null: not within the bound); the publish latency (send to 202); and set beside it the exchange's
/// GET throughput at the same connections in the same run, with CPU per delivered event.
/// </summary>
internal sealed record EventThroughputRow(string Target, int Connections, double Seconds, int Sent, int Accepted, IReadOnlyDictionary<string, int> PublishFailures,
    double AcceptedPerSecond, int DeliveredInWindow, double DeliveredPerSecond, int BacklogAtEnd, double? DrainSeconds, int Lost, int Duplicated,
    LatencySummary PublishUs, double? ExchangeGetPerSecond, double? RatioToExchange, IReadOnlyDictionary<string, double> CpuMicrosPerEvent);

/// <summary>
/// Event lag at a steady rate: per event, its first arrival at the backend less the moment the
/// publisher sent it (wall clock, one host), and the publish latency (send to 202).
/// </summary>
internal sealed record EventLagRow(string Target, int Rate, double Seconds, int Sent, int Accepted, IReadOnlyDictionary<string, int> PublishFailures, int Arrived, int Lost,
    int Duplicated, double? DrainSeconds, LatencySummary LagUs, LatencySummary PublishUs, string? HistogramFile)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public LatencyHistogram? Histogram { get; init; }
}

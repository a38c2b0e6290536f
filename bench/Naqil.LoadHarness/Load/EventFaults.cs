using Naqil.LoadHarness.Processes;
using Naqil.LoadHarness.Targets;

namespace Naqil.LoadHarness.Load;

/// <summary>
/// Event delivery through faults, with real processes: one sequential publisher sends events at a
/// steady rate (each after the one before was answered, so the order of the 202s is the order of
/// publication) while a process on the events' path is killed with SIGKILL and started again. Then,
/// once the publisher's gateway has nothing pending (bounded wait), what must hold: every event that
/// got a 202 arrived at the backend, in publication order, none twice after the backend had
/// acknowledged it, and none became a dead letter.
/// </summary>
internal static class EventFaults
{
    /// <summary>How long before a kill of the subscriber's gateway an acknowledgement counts as possibly unrecorded in its inbox.</summary>
    private const long CrashWindowMicros = 1_000_000;

    /// <summary>
    /// The faults, in order: the subscriber's gateway; the backend; and the subscriber's gateway
    /// down while events pile up in the publisher's outbox, then the publisher's gateway too, and both
    /// started again.
    /// </summary>
    public static IReadOnlyList<EventFault> For(Target target, string backendUrl)
    {
        var deployment = target.Deployment ?? throw new HarnessException($"{target.Name} is not a Naqil target");
        var subscriberGateway = deployment.Provider;
        var publisherGateway = deployment.Consumer;
        var backend = target.Processes.First(p => p.Role == "backend").Process;
        return
        [
            new("subscriber-gw", "SIGKILL the subscriber's gateway, down, start it again", async down =>
            {
                var kill = Kill(subscriberGateway.Process);
                var killed = Backend.EventSink.NowMicros();
                await Task.Delay(down);
                var restarted = Backend.EventSink.NowMicros();
                await RestartAsync(subscriberGateway.Process, subscriberGateway.ConsumerUrl + "/health");
                return new Injected(kill, restarted, killed);
            }),
            new("backend", "SIGKILL the subscriber's backend, down, start it again", async down =>
            {
                var kill = Kill(backend);
                await Task.Delay(down);
                var restarted = Backend.EventSink.NowMicros();
                await RestartAsync(backend, backendUrl + "/health");
                return new Injected(kill, restarted, null);
            }),
            new("publisher-gw with a backlog", "SIGKILL the subscriber's gateway, events pile up in the publisher's outbox, SIGKILL the publisher's gateway, start both again", async down =>
            {
                var first = Kill(subscriberGateway.Process);
                var killed = Backend.EventSink.NowMicros();
                await Task.Delay(down);
                var second = Kill(publisherGateway.Process);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(2, down.TotalSeconds)));
                var restarted = Backend.EventSink.NowMicros();
                publisherGateway.Process.Restart();
                subscriberGateway.Process.Restart();
                await Workspace.WaitHealthyAsync(publisherGateway.Process, publisherGateway.ConsumerUrl + "/health", TimeSpan.FromSeconds(60));
                await Workspace.WaitHealthyAsync(subscriberGateway.Process, subscriberGateway.ConsumerUrl + "/health", TimeSpan.FromSeconds(60));
                return new Injected($"{first}; {down.TotalSeconds:0} s later {second}", restarted, killed);
            }),
        ];
    }

    public static async Task<EventFaultRow> RunAsync(Target target, string backendUrl, EventFault fault, int rate, TimeSpan before, TimeSpan down, TimeSpan after, TimeSpan drainBound)
    {
        var publisher = target.Deployment!.Consumer;
        using var admin = EventLoad.Client(4);
        await EventPhases.StartCleanAsync(admin, publisher, backendUrl);
        var deadBefore = await EventLoad.DeadLettersAsync(admin, publisher);

        using var stop = new CancellationTokenSource();
        var publishing = PublishSequentiallyAsync(target.Url(Paths.Publish), rate, stop.Token);
        await Task.Delay(before);
        var killedAt = Backend.EventSink.NowMicros();
        var (kill, restartedAt, subscriberKilledAt) = await fault.InjectAsync(down);
        await Task.Delay(after);
        await stop.CancelAsync();
        var published = await publishing;
        var stoppedAt = Backend.EventSink.NowMicros();

        var accepted = published.Where(p => p.Accepted).ToList();
        var drained = await EventLoad.WaitDrainedAsync(admin, publisher, backendUrl, accepted.Count, drainBound);
        var received = await EventLoad.ReceivedAsync(admin, backendUrl, list: true);
        var check = EventLoad.Check(accepted, received, ordered: true);
        var backlog = await EventLoad.BacklogAsync(admin, publisher);
        var dead = await EventLoad.DeadLettersAsync(admin, publisher) - deadBefore;

        // Recovery: from the restart until every event accepted before it had arrived (null if one never did).
        var beforeRestart = accepted.Where(p => p.SentMicros < restartedAt).ToList();
        double? recovery = beforeRestart.All(p => check.FirstArrivalMicros.ContainsKey(p.Id))
            ? Math.Max(0, beforeRestart.Select(p => check.FirstArrivalMicros[p.Id]).DefaultIfEmpty(restartedAt).Max() - restartedAt) / 1e6
            : null;
        var backlogAtRestart = beforeRestart.Count(p => !check.FirstArrivalMicros.TryGetValue(p.Id, out var at) || at >= restartedAt);
        // The subscriber's gateway records what its backend acknowledged once it has posted a delivery's
        // events; killed in between, it has no record of them and they are posted again.
        var atKill = check.Duplicates.Where(d => subscriberKilledAt is { } k && d.AcknowledgedMicros <= k && k - d.AcknowledgedMicros <= CrashWindowMicros && d.AgainMicros >= restartedAt).ToList();
        return new EventFaultRow(target.Name, fault.Name, kill, rate, (restartedAt - killedAt) / 1e6, published.Count, accepted.Count, EventPhases.Failures(published),
            check.Arrived, check.Lost, check.LostSample, check.Duplicated, check.Redelivered, check.OutOfOrder, check.Extra, dead, backlog?.Pending, backlogAtRestart,
            drained, (stoppedAt - restartedAt) / 1e6, recovery)
        {
            DuplicatedAtSubscriberKill = atKill.Count,
            DuplicateSample = [.. check.Duplicates.Take(5).Select(d => Describe(d, subscriberKilledAt, restartedAt))],
        };
    }

    /// <summary>One event after another, each due at its place in a steady schedule (or at once, when the one before was answered late), until stopped.</summary>
    private static async Task<List<PublishedEvent>> PublishSequentiallyAsync(string url, int rate, CancellationToken stop)
    {
        // Longer than the gateway takes to answer when its log is slow, short enough not to stall a phase.
        using var http = EventLoad.Client(1);
        http.Timeout = TimeSpan.FromSeconds(10);
        var published = new List<PublishedEvent>();
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        var interval = TimeSpan.FromSeconds(1.0 / rate);
        for (long i = 0; !stop.IsCancellationRequested; i++)
        {
            var wait = (interval * i) - System.Diagnostics.Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (stop.IsCancellationRequested)
                {
                    break;
                }
            }

            published.Add(await EventLoad.PublishAsync(http, url, i));
        }

        return published;
    }

    private static string Describe(DuplicateArrival d, long? subscriberKilledAt, long restartedAt)
    {
        var when = subscriberKilledAt is { } k && d.AcknowledgedMicros <= k
            ? $"acknowledged {(k - d.AcknowledgedMicros) / 1000.0:0.0} ms before the subscriber's gateway was killed"
            : $"acknowledged {(d.AcknowledgedMicros - restartedAt) / 1e6:+0.000;-0.000} s from the restart";
        return $"{d.Id}: {when}, again {(d.AgainMicros - d.AcknowledgedMicros) / 1e6:0.0} s later";
    }

    private static string Kill(ChildProcess process)
    {
        var pid = process.Id;
        process.KillHard();
        return $"SIGKILL {process.Name} (pid {pid})";
    }

    private static async Task RestartAsync(ChildProcess process, string health)
    {
        process.Restart();
        await Workspace.WaitHealthyAsync(process, health, TimeSpan.FromSeconds(60));
    }
}

/// <summary>A fault to inject: it kills, waits the given time down, starts again, and says what it did.</summary>
internal sealed record EventFault(string Name, string Description, Func<TimeSpan, Task<Injected>> InjectAsync);

/// <summary>
/// What a fault killed, when (wall-clock µs) the restart began, and when the subscriber's gateway
/// was killed, if it was: read once the kill has returned (the process is gone), since finding a
/// process tree to kill takes a while on a loaded machine and the gateway works meanwhile.
/// </summary>
internal sealed record Injected(string Kill, long RestartedMicros, long? SubscriberGatewayKilledMicros);

/// <summary>
/// One fault's outcome. <paramref name="Lost"/>: accepted (202) events that never arrived;
/// <paramref name="Duplicated"/>: arrivals of an event the backend had acknowledged already;
/// <paramref name="Redelivered"/>: arrivals after one the backend never answered (it was killed),
/// allowed; <paramref name="OutOfOrder"/>: events that arrived after one published later;
/// <paramref name="Extra"/>: events that arrived without their 202 reaching the publisher (a gateway
/// killed between storing and answering), allowed; <paramref name="DeadLetters"/>: new dead letters;
/// <paramref name="PendingAfter"/>: what the publisher's gateway still held at the end;
/// <paramref name="BacklogAtRestart"/>: accepted events not yet arrived when the restart began;
/// <paramref name="DrainSeconds"/>: from the publisher stopping until nothing was pending (null: not
/// within the bound); <paramref name="RecoverySeconds"/>: from the restart until every event accepted
/// before it had arrived.
/// </summary>
internal sealed record EventFaultRow(string Target, string Fault, string Kill, int Rate, double DownSeconds, int Sent, int Accepted, IReadOnlyDictionary<string, int> PublishFailures,
    int Arrived, int Lost, IReadOnlyList<string> LostSample, int Duplicated, int Redelivered, int OutOfOrder, int Extra, int DeadLetters, long? PendingAfter, int BacklogAtRestart,
    double? DrainSeconds, double SecondsAfterRestart, double? RecoverySeconds)
{
    /// <summary>
    /// Of <see cref="Duplicated"/>, the events the backend had acknowledged at most a second before
    /// the subscriber's gateway was SIGKILLed, arriving again after its restart: acknowledged to a
    /// gateway that died before it recorded them in its inbox.
    /// </summary>
    public int DuplicatedAtSubscriberKill { get; init; }

    /// <summary>Up to five duplicated events: when each was acknowledged, relative to the kill, and when it came again.</summary>
    public IReadOnlyList<string> DuplicateSample { get; init; } = [];

    /// <summary>Every accepted event arrived, once, in order; no dead letter; the backlog drained.</summary>
    public bool Passed => Arrived > 0 && Lost == 0 && Duplicated == 0 && OutOfOrder == 0 && DeadLetters == 0 && DrainSeconds is not null && PendingAfter == 0;
}

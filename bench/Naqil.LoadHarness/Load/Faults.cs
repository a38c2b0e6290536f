using System.Collections.Concurrent;
using System.Diagnostics;
using Naqil.LoadHarness.Targets;

namespace Naqil.LoadHarness.Load;

/// <summary>
/// Faults under load (issue 5, item 4): a steady open-loop load runs through a target while one of
/// its processes is killed with SIGKILL and, a few seconds later, started again with the same
/// configuration. Recorded per request: when it was due, when it ended, how long it took and how it
/// ended (the status and <c>Naqil-Error</c> code, or the client-side failure), and the
/// <c>Naqil-Id</c> of every exchange the consumer face acknowledged. What must hold: every request
/// ends, with a clear error while the process is down (never a hang past the gateway's timeouts),
/// traffic recovers by itself once it is back, and (Naqil targets) every acknowledged exchange is in
/// both gateways' logs, which verify (<see cref="FaultLogCheck"/>).
/// </summary>
internal static class Faults
{
    /// <summary>Longer than any gateway timeout (connect 5 s + response 30 s): a request still open then has hung.</summary>
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(40);

    /// <summary>The registry as a victim: it serves the trust configuration and the sandbox TSA, which gateways can do without for a while.</summary>
    public const string RegistryRole = "registry/TSA";

    /// <summary>
    /// What to kill on a target, in order: the processes on its path (provider gateway, consumer
    /// gateway, backend), then for Naqil the registry — which also serves the sandbox TSA and the
    /// trust configuration — and the PostgreSQL server of the log, if the target has one.
    /// </summary>
    public static IReadOnlyList<FaultVictim> VictimsOf(Target target)
    {
        var victims = target.Processes.Reverse().Select(FaultVictim.Of).ToList();
        if (target.Deployment is { } naqil)
        {
            victims.Add(FaultVictim.Of(new MeasuredProcess(RegistryRole, naqil.Registry.Process, IsGateway: false)));
            if (naqil.Postgres is { } postgres)
            {
                victims.Add(new FaultVictim("postgres", postgres.KillPostmasterAsync, () =>
                {
                    postgres.Restart();
                    return Task.CompletedTask;
                }));
            }
        }

        return victims;
    }

    public static async Task<FaultRow> RunAsync(Target target, FaultVictim victim, int rate, TimeSpan before, TimeSpan down, TimeSpan after, FaultLogCheck? logs)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, UseCookies = false, UseProxy = false }) { Timeout = ClientTimeout };
        var url = target.Url(target.GetPath);
        var baseline = logs is null ? null : await logs.BeginAsync();
        var outcomes = new ConcurrentBag<Outcome>();
        var total = (long)(rate * (before + down + after).TotalSeconds);
        var interval = (double)Stopwatch.Frequency / rate;
        var pending = new ConcurrentBag<Task>();
        var start = Stopwatch.GetTimestamp();
        double killedAt = double.NaN, restartedAt = double.NaN;
        var pacer = Task.Run(async () =>
        {
            for (long i = 0; i < total; i++)
            {
                var due = start + (long)(i * interval);
                while (Stopwatch.GetTimestamp() < due)
                {
                    await Task.Delay(1);
                }

                pending.Add(SendAsync(due));
            }
        });

        await Task.Delay(before);
        killedAt = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var killed = await victim.KillAsync();
        await Task.Delay(down);
        restartedAt = Stopwatch.GetElapsedTime(start).TotalSeconds;
        await victim.RestartAsync();
        await pacer;
        await Task.WhenAll(pending).WaitAsync(ClientTimeout + TimeSpan.FromSeconds(10));

        // Whatever happened, leave the target serving for the phases after this one.
        var recoveredForLater = await WaitServingAsync(http, url, TimeSpan.FromSeconds(60));
        var all = outcomes.OrderBy(o => o.DueSeconds).ToList();
        var failures = all.Where(o => !o.Ok).ToList();
        // A request that was still open when the SIGKILL came failed because of it, whenever it was due.
        var failedBeforeKill = failures.Where(o => o.EndSeconds < killedAt).ToList();
        var failedAfterRestart = failures.Where(o => o.DueSeconds >= restartedAt).ToList();
        var failedWhileDown = failures.Where(o => o.EndSeconds >= killedAt && o.DueSeconds < restartedAt).ToList();
        double? recovery = !recoveredForLater ? null
            : failedAfterRestart.Count == 0 ? 0 : failedAfterRestart.Max(o => o.DueSeconds) - restartedAt;
        var outage = all.Where(o => o.EndSeconds >= killedAt && o.DueSeconds < restartedAt).ToList();
        var acknowledged = all.Where(o => o.Ok).ToList();
        var check = logs is null ? null
            : await logs.CheckAsync(baseline!, $"{target.Name}-{victim.Role.Replace('/', '-')}", [.. acknowledged.Where(o => o.NaqilId is not null).Select(o => o.NaqilId!)]);
        return new FaultRow(target.Name, victim.Role, rate, killedAt, restartedAt - killedAt, all.Count,
            acknowledged.Count,
            failedBeforeKill.Count,
            failedWhileDown.Count,
            failedAfterRestart.Count,
            failures.GroupBy(o => o.Result).ToDictionary(g => g.Key, g => g.Count()),
            all.Count == 0 ? 0 : all.Max(o => o.LatencyMs),
            outage.Count == 0 ? 0 : outage.Max(o => o.LatencyMs),
            all.Count(o => o.Result == "client-timeout"),
            recovery)
        {
            FailedInFlightAtKill = failedWhileDown.Count(o => o.DueSeconds < killedAt),
            Kill = killed,
            Log = check is null ? null : check with { AcknowledgedWithoutId = acknowledged.Count(o => o.NaqilId is null) },
        };

        async Task SendAsync(long due)
        {
            string result;
            string? naqilId = null;
            try
            {
                using var request = HttpLoad.Request(url, null);
                using var response = await http.SendAsync(request);
                await response.Content.LoadIntoBufferAsync();
                if ((int)response.StatusCode == 200)
                {
                    result = "200";
                    naqilId = response.Headers.TryGetValues("Naqil-Id", out var ids) ? ids.FirstOrDefault() : null;
                }
                else
                {
                    result = response.Headers.TryGetValues("Naqil-Error", out var codes) ? $"{(int)response.StatusCode} {codes.First()}" : $"{(int)response.StatusCode}";
                }
            }
            catch (TaskCanceledException)
            {
                result = "client-timeout";
            }
            catch (HttpRequestException e)
            {
                result = $"connection: {e.HttpRequestError}";
            }

            var done = Stopwatch.GetTimestamp();
            outcomes.Add(new Outcome((due - start) / (double)Stopwatch.Frequency, (done - start) / (double)Stopwatch.Frequency,
                (done - due) * 1000.0 / Stopwatch.Frequency, result, naqilId));
        }
    }

    private sealed record Outcome(double DueSeconds, double EndSeconds, double LatencyMs, string Result, string? NaqilId)
    {
        public bool Ok => Result == "200";
    }

    private static async Task<bool> WaitServingAsync(HttpClient http, string url, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            try
            {
                using var request = HttpLoad.Request(url, null);
                using var response = await http.SendAsync(request);
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        return false;
    }
}

/// <summary>
/// Something to kill under load and start again: <see cref="KillAsync"/> returns once it is dead
/// (and says how it was killed); <see cref="RestartAsync"/> starts it with the same configuration.
/// </summary>
internal sealed record FaultVictim(string Role, Func<Task<string>> KillAsync, Func<Task> RestartAsync)
{
    public static FaultVictim Of(MeasuredProcess process) => new(process.Role,
        () =>
        {
            var pid = process.Process.Id;
            process.Process.KillHard();
            return Task.FromResult($"SIGKILL {process.Process.Name} (pid {pid} and its children)");
        },
        () =>
        {
            process.Process.Restart();
            return Task.CompletedTask;
        });
}

/// <summary>
/// One kill and restart: when the SIGKILL came (seconds from the start of the load), how long the
/// process stayed down, how the requests ended, and the recovery time (from the restart to the last
/// failed request; null when the target never served again). A request counts as failed before the
/// kill only if it ended before it; one still open at the kill counts with the outage.
/// </summary>
internal sealed record FaultRow(string Target, string Victim, int Rate, double KilledAtSeconds, double DownSeconds, int Sent, int Ok, int FailedBeforeKill,
    int FailedWhileDown, int FailedAfterRestart, IReadOnlyDictionary<string, int> Failures, double MaxLatencyMs, double MaxLatencyWhileDownMs, int Hung,
    double? RecoverySeconds)
{
    /// <summary>Of <see cref="FailedWhileDown"/>, the requests due before the kill that were still open when it came.</summary>
    public int FailedInFlightAtKill { get; init; }

    /// <summary>What was killed, how.</summary>
    public string Kill { get; init; } = "";

    /// <summary>The message log checks after the run (Naqil targets); null for the others.</summary>
    public FaultLogResult? Log { get; init; }
}

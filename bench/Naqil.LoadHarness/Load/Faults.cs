using System.Collections.Concurrent;
using System.Diagnostics;
using Naqil.LoadHarness.Targets;

namespace Naqil.LoadHarness.Load;

/// <summary>
/// Faults under load (issue 5, item 4): a steady open-loop load runs through a target while one of
/// its processes is killed with SIGKILL and, a few seconds later, started again with the same
/// configuration. Recorded per request: when it was due, how long it took and how it ended (the
/// status and <c>Naqil-Error</c> code, or the client-side failure). What must hold: every request
/// ends, with a clear error while the process is down (never a hang past the gateway's timeouts),
/// and traffic recovers by itself once it is back.
/// </summary>
internal static class Faults
{
    /// <summary>Longer than any gateway timeout (connect 5 s + response 30 s): a request still open then has hung.</summary>
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(40);

    public static async Task<FaultRow> RunAsync(Target target, MeasuredProcess victim, int rate, TimeSpan before, TimeSpan down, TimeSpan after)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, UseCookies = false, UseProxy = false }) { Timeout = ClientTimeout };
        var url = target.Url(target.GetPath);
        var outcomes = new ConcurrentBag<(double DueSeconds, double LatencyMs, string Outcome)>();
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
        victim.Process.KillHard();
        await Task.Delay(down);
        restartedAt = Stopwatch.GetElapsedTime(start).TotalSeconds;
        victim.Process.Restart();
        await pacer;
        await Task.WhenAll(pending).WaitAsync(ClientTimeout + TimeSpan.FromSeconds(10));

        // Whatever happened, leave the target serving for the phases after this one.
        var recoveredForLater = await WaitServingAsync(http, url, TimeSpan.FromSeconds(60));
        var all = outcomes.OrderBy(o => o.DueSeconds).ToList();
        bool Ok(string outcome) => outcome == "200";
        var failuresAfterRestart = all.Where(o => o.DueSeconds >= restartedAt && !Ok(o.Outcome)).ToList();
        double? recovery = !recoveredForLater ? null
            : failuresAfterRestart.Count == 0 ? 0 : failuresAfterRestart.Max(o => o.DueSeconds) - restartedAt;
        var outage = all.Where(o => o.DueSeconds >= killedAt && o.DueSeconds < restartedAt).ToList();
        return new FaultRow(target.Name, victim.Role, rate, killedAt, restartedAt - killedAt, all.Count,
            all.Count(o => Ok(o.Outcome)),
            all.Count(o => o.DueSeconds < killedAt && !Ok(o.Outcome)),
            outage.Count(o => !Ok(o.Outcome)),
            failuresAfterRestart.Count,
            all.Where(o => !Ok(o.Outcome)).GroupBy(o => o.Outcome).ToDictionary(g => g.Key, g => g.Count()),
            all.Count == 0 ? 0 : all.Max(o => o.LatencyMs),
            outage.Count == 0 ? 0 : outage.Max(o => o.LatencyMs),
            all.Count(o => o.Outcome == "client-timeout"),
            recovery);

        async Task SendAsync(long due)
        {
            string outcome;
            try
            {
                using var request = HttpLoad.Request(url, null);
                using var response = await http.SendAsync(request);
                await response.Content.LoadIntoBufferAsync();
                outcome = (int)response.StatusCode == 200 ? "200"
                    : response.Headers.TryGetValues("Naqil-Error", out var codes) ? $"{(int)response.StatusCode} {codes.First()}" : $"{(int)response.StatusCode}";
            }
            catch (TaskCanceledException)
            {
                outcome = "client-timeout";
            }
            catch (HttpRequestException e)
            {
                outcome = $"connection: {e.HttpRequestError}";
            }

            var done = Stopwatch.GetTimestamp();
            outcomes.Add(((due - start) / (double)Stopwatch.Frequency, (done - due) * 1000.0 / Stopwatch.Frequency, outcome));
        }
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
/// One kill and restart: when the SIGKILL came (seconds from the start of the load), how long the
/// process stayed down, how the requests ended, and the recovery time (from the restart to the last
/// failed request; null when the target never served again).
/// </summary>
internal sealed record FaultRow(string Target, string Victim, int Rate, double KilledAtSeconds, double DownSeconds, int Sent, int Ok, int FailedBeforeKill,
    int FailedWhileDown, int FailedAfterRestart, IReadOnlyDictionary<string, int> Failures, double MaxLatencyMs, double MaxLatencyWhileDownMs, int Hung,
    double? RecoverySeconds);

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Naqil.LoadHarness.Targets;

namespace Naqil.LoadHarness.Load;

/// <summary>
/// The harness's own load generator, for what wrk cannot show: an open-loop load at a fixed rate
/// spread evenly in time, each latency measured from the request's <em>intended</em> send time so
/// a stall shows in full (no coordinated omission); and one connection sending one request after
/// another.
/// </summary>
internal static class HttpLoad
{
    public static HttpClient Client(int maxConnections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = maxConnections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseCookies = false,
        AllowAutoRedirect = false,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    public static HttpRequestMessage Request(string url, byte[]? body)
    {
        var request = new HttpRequestMessage(body is null ? HttpMethod.Get : HttpMethod.Post, url) { Version = HttpVersion.Version11 };
        foreach (var (name, value) in Paths.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        }

        return request;
    }

    /// <summary>A JSON body of exactly <paramref name="bytes"/> bytes, as the wrk scripts send.</summary>
    public static byte[] Body(int bytes)
    {
        var body = new byte[Math.Max(bytes, 8)];
        "{\"d\":\""u8.CopyTo(body);
        body.AsSpan(6, body.Length - 8).Fill((byte)'x');
        "\"}"u8.CopyTo(body.AsSpan(body.Length - 2));
        return body;
    }

    /// <summary>Sends one request and checks it succeeds; returns the response body's length.</summary>
    public static async Task<int> ProbeAsync(HttpClient http, string url, byte[]? body)
    {
        using var request = Request(url, body);
        using var response = await http.SendAsync(request);
        var content = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HarnessException($"{request.Method} {url} answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(content)}");
        }

        return content.Length;
    }

    /// <summary>
    /// Open loop: <paramref name="rate"/> requests per second, evenly spaced, for <paramref name="duration"/>.
    /// <paramref name="observe"/>, when given, sees every request of the measured run (not the warm-up) as it ends;
    /// <paramref name="measuring"/> is called once the warm-up is over, as the measured run begins.
    /// </summary>
    public static async Task<OpenLoopResult> OpenLoopAsync(string url, byte[]? body, int rate, TimeSpan duration, TimeSpan warmup,
        Action<OpenLoopSample>? observe = null, Action? measuring = null)
    {
        using var http = Client(1024);
        await RunOpenLoopAsync(http, url, body, rate, warmup, null, null);
        measuring?.Invoke();
        var result = new OpenLoopResult(new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram());
        var errors = await RunOpenLoopAsync(http, url, body, rate, duration, result, observe);
        return result with { Errors = errors };
    }

    private static async Task<long> RunOpenLoopAsync(HttpClient http, string url, byte[]? body, int rate, TimeSpan duration, OpenLoopResult? result, Action<OpenLoopSample>? observe)
    {
        var total = (long)(rate * duration.TotalSeconds);
        var interval = (double)Stopwatch.Frequency / rate;
        long errors = 0;
        // Requests still open, plus one for the pacer itself: whoever brings it to zero ends the run.
        // A counter rather than a list of every task, so a long soak keeps nothing per request alive.
        long open = 1;
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Exception? unexpected = null;
        var start = Stopwatch.GetTimestamp();
        // A dedicated thread paces the sends: it sleeps in ~1 ms steps (no spinning on a 2-core box)
        // and sends every request whose intended time has come; lateness is recorded, not hidden.
        var pacer = new Thread(() =>
        {
            for (long i = 0; i < total; i++)
            {
                var intended = start + (long)(i * interval);
                while (Stopwatch.GetTimestamp() < intended)
                {
                    Thread.Sleep(1);
                }

                Interlocked.Increment(ref open);
                _ = SendAsync(i, intended);
            }

            Done();
        })
        { IsBackground = true, Name = "open-loop pacer", Priority = ThreadPriority.AboveNormal };
        pacer.Start();
        await Task.Run(() => pacer.Join(duration + TimeSpan.FromSeconds(60)));
        await drained.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return unexpected is null ? errors : throw new HarnessException($"the open-loop generator failed: {unexpected}");

        void Done()
        {
            if (Interlocked.Decrement(ref open) == 0)
            {
                drained.TrySetResult();
            }
        }

        async Task SendAsync(long index, long intended)
        {
            var sent = Stopwatch.GetTimestamp();
            string? failure = null;
            try
            {
                using var request = Request(url, body);
                using var response = await http.SendAsync(request);
                await response.Content.LoadIntoBufferAsync();
                if (!response.IsSuccessStatusCode)
                {
                    failure = response.Headers.TryGetValues("Naqil-Error", out var codes) ? $"{(int)response.StatusCode} {codes.First()}" : $"{(int)response.StatusCode}";
                }
            }
            catch (TaskCanceledException)
            {
                failure = "client-timeout";
            }
            catch (HttpRequestException e)
            {
                failure = $"connection: {e.HttpRequestError}";
            }
            catch (Exception e)
            {
                failure = e.GetType().Name;
                Interlocked.CompareExchange(ref unexpected, e, null);
            }

            try
            {
                if (failure is not null)
                {
                    Interlocked.Increment(ref errors);
                }

                var done = Stopwatch.GetTimestamp();
                if (result is not null)
                {
                    result.FromIntended.Record(Micros(done - intended));
                    result.Service.Record(Micros(done - sent));
                    result.PacerLag.Record(Micros(sent - intended));
                }

                observe?.Invoke(new OpenLoopSample(index, total, intended, sent, done, failure));
            }
            finally
            {
                Done();
            }
        }
    }

    /// <summary>One connection, one request after another.</summary>
    public static async Task<SequentialResult> SequentialAsync(string url, byte[]? body, int requests, int warmup)
    {
        using var http = Client(1);
        for (var i = 0; i < warmup; i++)
        {
            using var request = Request(url, body);
            using var response = await http.SendAsync(request);
        }

        var histogram = new LatencyHistogram();
        long errors = 0;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < requests; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var request = Request(url, body);
            using var response = await http.SendAsync(request);
            if (!response.IsSuccessStatusCode)
            {
                errors++;
            }

            histogram.Record(Micros(Stopwatch.GetTimestamp() - start));
        }

        return new SequentialResult(histogram, errors, requests / clock.Elapsed.TotalSeconds);
    }

    public static long Micros(long ticks) => ticks * 1_000_000 / Stopwatch.Frequency;
}

/// <param name="FromIntended">Latency from the intended send time (what a user waiting on the schedule sees).</param>
/// <param name="Service">Latency from the actual send time.</param>
/// <param name="PacerLag">How late the generator sent each request; small when the generator keeps up.</param>
internal sealed record OpenLoopResult(LatencyHistogram FromIntended, LatencyHistogram Service, LatencyHistogram PacerLag)
{
    public long Errors { get; init; }
}

/// <summary>
/// One request of an open-loop run as it ended: its place in the schedule (<paramref name="Index"/> of
/// <paramref name="Of"/>), when it was due, sent and done (Stopwatch ticks), and how it failed
/// (<c>502 provider-unreachable</c>, <c>connection: ConnectionError</c>, <c>client-timeout</c>), or null.
/// </summary>
internal readonly record struct OpenLoopSample(long Index, long Of, long Intended, long Sent, long Done, string? Failure);

internal sealed record SequentialResult(LatencyHistogram Latency, long Errors, double RequestsPerSecond);

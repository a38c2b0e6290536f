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

    /// <summary>Open loop: <paramref name="rate"/> requests per second, evenly spaced, for <paramref name="duration"/>.</summary>
    public static async Task<OpenLoopResult> OpenLoopAsync(string url, byte[]? body, int rate, TimeSpan duration, TimeSpan warmup)
    {
        using var http = Client(1024);
        await RunOpenLoopAsync(http, url, body, rate, warmup, null);
        var result = new OpenLoopResult(new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram());
        var errors = await RunOpenLoopAsync(http, url, body, rate, duration, result);
        return result with { Errors = errors };
    }

    private static async Task<long> RunOpenLoopAsync(HttpClient http, string url, byte[]? body, int rate, TimeSpan duration, OpenLoopResult? result)
    {
        var total = (long)(rate * duration.TotalSeconds);
        var interval = (double)Stopwatch.Frequency / rate;
        var pending = new List<Task>((int)Math.Min(total, 1_000_000));
        long errors = 0;
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

                var task = SendAsync(intended);
                lock (pending)
                {
                    pending.Add(task);
                }
            }
        })
        { IsBackground = true, Name = "open-loop pacer", Priority = ThreadPriority.AboveNormal };
        pacer.Start();
        await Task.Run(() => pacer.Join(duration + TimeSpan.FromSeconds(60)));
        Task[] all;
        lock (pending)
        {
            all = [.. pending];
        }

        await Task.WhenAll(all).WaitAsync(TimeSpan.FromSeconds(60));
        return errors;

        async Task SendAsync(long intended)
        {
            var sent = Stopwatch.GetTimestamp();
            try
            {
                using var request = Request(url, body);
                using var response = await http.SendAsync(request);
                await response.Content.LoadIntoBufferAsync();
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref errors);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
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

    private static long Micros(long ticks) => ticks * 1_000_000 / Stopwatch.Frequency;
}

/// <param name="FromIntended">Latency from the intended send time (what a user waiting on the schedule sees).</param>
/// <param name="Service">Latency from the actual send time.</param>
/// <param name="PacerLag">How late the generator sent each request; small when the generator keeps up.</param>
internal sealed record OpenLoopResult(LatencyHistogram FromIntended, LatencyHistogram Service, LatencyHistogram PacerLag)
{
    public long Errors { get; init; }
}

internal sealed record SequentialResult(LatencyHistogram Latency, long Errors, double RequestsPerSecond);

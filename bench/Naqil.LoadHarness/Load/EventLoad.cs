using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Naqil.LoadHarness.Backend;
using Naqil.LoadHarness.Targets;

namespace Naqil.LoadHarness.Load;

/// <summary>
/// The pieces every event phase uses: a publisher posting events to the publisher's gateway
/// (<c>POST /e1/{topic}</c>, a fresh <c>Naqil-Id</c> each), what the backend says arrived
/// (<c>GET /events/received</c>), the publisher's gateway's own view of the subscription (admin
/// API), and the check of the one against the other. Times are wall-clock microseconds since the
/// Unix epoch, read on one host by the publisher here and by the backend.
/// </summary>
internal static class EventLoad
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static HttpClient Client(int connections) => HttpLoad.Client(connections);

    /// <summary>An event's body, about 200 bytes of JSON, numbered as published.</summary>
    public static byte[] Body(long seq) =>
        Encoding.UTF8.GetBytes($"{{\"notice\":{seq},\"kind\":\"load-harness\",\"text\":\"{new string('x', 140)}\"}}");

    /// <summary>Publishes one event; the outcome is <c>202</c>, <c>{status} {Naqil-Error}</c>, <c>connection: …</c> or <c>client-timeout</c>.</summary>
    public static async Task<PublishedEvent> PublishAsync(HttpClient http, string url, long seq)
    {
        var id = Guid.CreateVersion7().ToString("D");
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Version = HttpVersion.Version11 };
        request.Headers.TryAddWithoutValidation("Naqil-Client", Paths.Client);
        request.Headers.TryAddWithoutValidation("Naqil-Id", id);
        request.Content = new ByteArrayContent(Body(seq)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        var sent = EventSink.NowMicros();
        string result;
        try
        {
            using var response = await http.SendAsync(request);
            await response.Content.LoadIntoBufferAsync();
            var status = (int)response.StatusCode;
            result = status == 202 ? "202"
                : response.Headers.TryGetValues("Naqil-Error", out var codes) ? $"{status} {codes.First()}" : $"{status}";
        }
        catch (TaskCanceledException)
        {
            result = "client-timeout";
        }
        catch (HttpRequestException e)
        {
            result = $"connection: {e.HttpRequestError}";
        }

        return new PublishedEvent(id, seq, sent, EventSink.NowMicros(), result);
    }

    /// <summary>Publishes on <paramref name="connections"/> connections, each one event after another, for <paramref name="duration"/>.</summary>
    public static async Task<List<PublishedEvent>> ClosedLoopAsync(string url, int connections, TimeSpan duration)
    {
        using var http = Client(connections);
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long next = 0;
        var perWorker = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            var mine = new List<PublishedEvent>();
            while (Stopwatch.GetTimestamp() < end)
            {
                mine.Add(await PublishAsync(http, url, Interlocked.Increment(ref next)));
            }

            return mine;
        })));
        return [.. perWorker.SelectMany(w => w).OrderBy(p => p.SentMicros)];
    }

    /// <summary>What the backend holds now: counts, or with <paramref name="list"/> every arrival in order.</summary>
    public static async Task<EventSink.Received> ReceivedAsync(HttpClient http, string backendUrl, bool list)
    {
        var received = await http.GetFromJsonAsync<EventSink.Received>($"{backendUrl}{Paths.BackendEvents}/received{(list ? "?list=true" : "")}", Json);
        return received ?? throw new HarnessException("the backend answered GET /events/received with nothing");
    }

    public static async Task ForgetReceivedAsync(HttpClient http, string backendUrl)
    {
        using var response = await http.DeleteAsync($"{backendUrl}{Paths.BackendEvents}/received");
        if (!response.IsSuccessStatusCode)
        {
            throw new HarnessException($"the backend answered DELETE /events/received with {(int)response.StatusCode}");
        }
    }

    /// <summary>The publisher's gateway's outbound subscription to the harness's topic, or null when it does not answer (down, restarting).</summary>
    public static async Task<Backlog?> BacklogAsync(HttpClient http, NaqilGateway publisher)
    {
        try
        {
            using var request = Admin(publisher, "/admin/v1/events/subscriptions");
            using var response = await http.SendAsync(request);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var outbound = JsonNode.Parse(await response.Content.ReadAsStringAsync())?["outbound"]?.AsArray()
                .FirstOrDefault(s => s?["topic"]?.GetValue<string>() == Paths.Topic && s["subscriber"]?.GetValue<string>() == Paths.Subscriber);
            return outbound is null
                ? new Backlog(0, 0, 0, null)
                : new Backlog(outbound["pending"]!.GetValue<long>(), outbound["dead"]!.GetValue<long>(), outbound["delivered"]!.GetValue<long>(), outbound["lastError"]?.GetValue<string>());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>How many dead letters the publisher's gateway holds for the harness's subscription (at most 1,000 are counted).</summary>
    public static async Task<int> DeadLettersAsync(HttpClient http, NaqilGateway publisher)
    {
        using var request = Admin(publisher, $"/admin/v1/events/dead-letters?topic={Uri.EscapeDataString(Paths.Topic)}&subscriber={Uri.EscapeDataString(Paths.Subscriber)}&limit=1000");
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new HarnessException($"{publisher.Role} answered GET /admin/v1/events/dead-letters with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return JsonNode.Parse(await response.Content.ReadAsStringAsync())?.AsArray().Count ?? 0;
    }

    /// <summary>
    /// Waits, up to <paramref name="timeout"/>, until the publisher's gateway has nothing pending for
    /// the subscription and (when given) the backend holds at least <paramref name="expected"/>
    /// distinct events; returns how long that took, or null if it did not happen in time.
    /// </summary>
    public static async Task<double?> WaitDrainedAsync(HttpClient http, NaqilGateway publisher, string backendUrl, int expected, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await BacklogAsync(http, publisher) is { Pending: 0 })
            {
                try
                {
                    if (expected <= 0 || (await ReceivedAsync(http, backendUrl, list: false)).Distinct >= expected)
                    {
                        return clock.Elapsed.TotalSeconds;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // The backend is restarting.
                }
            }

            await Task.Delay(100);
        }

        return null;
    }

    private static HttpRequestMessage Admin(NaqilGateway gateway, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, gateway.ConsumerUrl + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", gateway.AdminToken);
        return request;
    }

    /// <summary>
    /// What became of the accepted events at the backend. <paramref name="accepted"/> is in
    /// publication order when <paramref name="ordered"/> (one sequential publisher: the order its 202s
    /// came back in); the arrivals are the backend's, in its order.
    /// </summary>
    public static EventCheck Check(IReadOnlyList<PublishedEvent> accepted, EventSink.Received received, bool ordered)
    {
        var index = new Dictionary<string, int>(accepted.Count, StringComparer.Ordinal);
        for (var i = 0; i < accepted.Count; i++)
        {
            index[accepted[i].Id] = i;
        }

        var ids = received.Ids ?? [];
        var acked = received.Acked ?? [];
        var at = received.AtMicros ?? [];
        var first = new Dictionary<string, long>(StringComparer.Ordinal);
        var acknowledgedAt = new Dictionary<string, long>(StringComparer.Ordinal);
        var duplicates = new List<DuplicateArrival>();
        var extra = new HashSet<string>(StringComparer.Ordinal);
        int redelivered = 0, outOfOrder = 0, latest = -1;
        for (var i = 0; i < ids.Count; i++)
        {
            var id = ids[i];
            var known = index.TryGetValue(id, out var place);
            if (!known)
            {
                extra.Add(id);
            }

            if (!first.TryAdd(id, at[i]))
            {
                // Again after an arrival the backend acknowledged: the backend sees it twice. Again after one
                // whose answer the backend never got out (it was killed): a resend, as at-least-once promises.
                if (acknowledgedAt.TryGetValue(id, out var acknowledged))
                {
                    duplicates.Add(new DuplicateArrival(id, acknowledged, at[i]));
                }
                else
                {
                    redelivered++;
                }
            }
            else if (ordered && known)
            {
                if (place < latest)
                {
                    outOfOrder++;
                }
                else
                {
                    latest = place;
                }
            }

            if (acked[i])
            {
                acknowledgedAt.TryAdd(id, at[i]);
            }
        }

        var lost = accepted.Where(p => !first.ContainsKey(p.Id)).ToList();
        return new EventCheck(accepted.Count, accepted.Count - lost.Count, lost.Count, [.. lost.Take(3).Select(p => p.Id)], duplicates.Count, redelivered, outOfOrder, extra.Count, first)
        {
            Duplicates = duplicates,
        };
    }
}

/// <summary>One event the harness published: its id and number, when it was sent and answered (wall-clock µs), and how (<c>202</c> or the failure).</summary>
internal sealed record PublishedEvent(string Id, long Seq, long SentMicros, long AnsweredMicros, string Result)
{
    public bool Accepted => Result == "202";
}

/// <summary>The publisher's gateway's view of the subscription: events pending, dead and delivered, and the head's last error.</summary>
internal sealed record Backlog(long Pending, long Dead, long Delivered, string? LastError);

/// <summary>
/// The accepted events against what arrived: <paramref name="Lost"/> never arrived;
/// <paramref name="Duplicated"/> arrivals of an event the backend had acknowledged before;
/// <paramref name="Redelivered"/> arrivals after one whose acknowledgement never went out (the
/// backend was killed between the two), which at-least-once allows; <paramref name="OutOfOrder"/>
/// events (first arrivals) that came after one published later; <paramref name="Extra"/> events that
/// arrived without the harness having got their 202 (stored by a gateway killed before it answered).
/// </summary>
internal sealed record EventCheck(int Accepted, int Arrived, int Lost, IReadOnlyList<string> LostSample, int Duplicated, int Redelivered, int OutOfOrder, int Extra,
    IReadOnlyDictionary<string, long> FirstArrivalMicros)
{
    /// <summary>Each duplicated arrival: when the backend first acknowledged the event, and when it arrived again.</summary>
    public IReadOnlyList<DuplicateArrival> Duplicates { get; init; } = [];
}

/// <summary>An event that arrived again after the backend had acknowledged it at <paramref name="AcknowledgedMicros"/> (its arrival time).</summary>
internal sealed record DuplicateArrival(string Id, long AcknowledgedMicros, long AgainMicros);

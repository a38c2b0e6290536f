using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;

namespace Naqil.Gateway.Events.Delivery;

/// <summary>One event as a delivery carries it: its id, when its publisher's gateway accepted it, and its JSON body as published.</summary>
internal sealed record BatchEvent(string Id, DateTimeOffset Published, ReadOnlyMemory<byte> Body);

/// <summary>What the subscriber's gateway did with one event of a delivery.</summary>
internal enum EventOutcome
{
    /// <summary>The backend acknowledged it (2xx).</summary>
    Delivered,

    /// <summary>It had been delivered before; the backend was not called again.</summary>
    Duplicate,

    /// <summary>The backend refused it for good (4xx but 408 and 429): it goes to dead letters.</summary>
    Rejected,

    /// <summary>The backend failed or could not be reached: send it again later.</summary>
    Failed,

    /// <summary>Not tried, because an earlier event of the delivery failed: order holds.</summary>
    Skipped,
}

/// <summary>One event's result in the subscriber's answer.</summary>
internal sealed record EventResult(string Id, EventOutcome Outcome, int? BackendStatus = null, string? Detail = null);

/// <summary>
/// The body of a delivery (docs/protocol.md section 15) and of its answer:
/// <c>{"events":[{"id","published","body"}]}</c> out, <c>{"events":[{"id","status",...}]}</c> back.
/// Each event's body is carried as the JSON value it was published as.
/// </summary>
internal static class EventBatch
{
    public static byte[] Write(IReadOnlyList<OutboxEvent> events)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + events.Sum(e => e.Body.Length + 96));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("events");
            foreach (var e in events)
            {
                writer.WriteStartObject();
                writer.WriteString("id", e.Id);
                writer.WriteString("published", e.Published.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                writer.WritePropertyName("body");
                writer.WriteRawValue(e.Body.AsSpan(), skipInputValidation: true);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a delivery's body; false with the reason when it is not one.</summary>
    public static bool TryRead(byte[] body, int maxEvents, [NotNullWhen(true)] out List<BatchEvent>? events, [NotNullWhen(false)] out string? error)
    {
        events = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 66 });
        }
        catch (JsonException e)
        {
            error = $"the delivery's body is not JSON: {e.Message}";
            return false;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("events", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                error = "the delivery's body must be {\"events\":[...]}";
                return false;
            }

            var count = list.GetArrayLength();
            if (count is 0 || count > maxEvents)
            {
                error = $"a delivery carries 1 to {maxEvents} events; this one has {count}";
                return false;
            }

            var read = new List<BatchEvent>(count);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object
                    || !item.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || !Guid.TryParseExact(id.GetString(), "D", out _)
                    || !item.TryGetProperty("published", out var published) || published.ValueKind != JsonValueKind.String
                    || !DateTimeOffset.TryParse(published.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
                    || !item.TryGetProperty("body", out var eventBody))
                {
                    error = $"event {read.Count} of the delivery needs an id (a UUID), published (an RFC 3339 time) and body";
                    return false;
                }

                if (!seen.Add(id.GetString()!))
                {
                    error = $"event {id.GetString()} appears twice in the delivery";
                    return false;
                }

                read.Add(new BatchEvent(id.GetString()!, at, System.Text.Encoding.UTF8.GetBytes(eventBody.GetRawText())));
            }

            events = read;
            error = null;
            return true;
        }
    }

    public static byte[] WriteResults(IReadOnlyList<EventResult> results)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + results.Count * 80);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("events");
            foreach (var r in results)
            {
                writer.WriteStartObject();
                writer.WriteString("id", r.Id);
                writer.WriteString("status", Name(r.Outcome));
                if (r.BackendStatus is { } status)
                {
                    writer.WriteNumber("backendStatus", status);
                }

                if (r.Detail is { } detail)
                {
                    writer.WriteString("detail", detail);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads the subscriber's answer into one result per id; an event it does not name counts as failed.</summary>
    public static Dictionary<string, EventResult> ReadResults(byte[] body)
    {
        var results = new Dictionary<string, EventResult>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("events", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object
                        && item.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                        && item.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String
                        && TryParse(status.GetString(), out var outcome))
                    {
                        int? backend = item.TryGetProperty("backendStatus", out var b) && b.TryGetInt32(out var code) ? code : null;
                        var detail = item.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                        results[id.GetString()!] = new EventResult(id.GetString()!, outcome, backend, detail);
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Nothing named: every event counts as failed and is sent again.
        }

        return results;
    }

    public static string Name(EventOutcome outcome) => outcome switch
    {
        EventOutcome.Delivered => "delivered",
        EventOutcome.Duplicate => "duplicate",
        EventOutcome.Rejected => "rejected",
        EventOutcome.Failed => "failed",
        EventOutcome.Skipped => "skipped",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    private static bool TryParse(string? name, out EventOutcome outcome)
    {
        foreach (var candidate in Enum.GetValues<EventOutcome>())
        {
            if (Name(candidate) == name)
            {
                outcome = candidate;
                return true;
            }
        }

        outcome = default;
        return false;
    }
}

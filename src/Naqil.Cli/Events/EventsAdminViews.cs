using System.Text.Json;
using System.Text.Json.Serialization;

namespace Naqil.Cli.Events;

/// <summary>The answers of the gateway's events admin API (docs/protocol.md section 11) as the CLI reads them.</summary>
internal static class EventsAdminViews
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary><c>GET /admin/v1/events/subscriptions</c>.</summary>
internal sealed record SubscriptionsView(IReadOnlyList<OutboundSubscription> Outbound, IReadOnlyList<InboundSubscription> Inbound);

/// <summary>A subscription this gateway delivers to: its backlog, the lag of its oldest waiting event, the head's attempts and last error.</summary>
internal sealed record OutboundSubscription(
    string Topic,
    string Subscriber,
    long Pending,
    long Dead,
    long Delivered,
    DateTimeOffset? OldestPending,
    double LagSeconds,
    DateTimeOffset? NextAttempt,
    int Attempts,
    string? LastError,
    DateTimeOffset? LastDelivered);

/// <summary>A subscription this gateway receives for one of its subsystems, and the backend endpoint it posts the events to.</summary>
internal sealed record InboundSubscription(string Topic, string Subscriber, string? Endpoint);

/// <summary><c>GET /admin/v1/events/dead-letters</c>: one event a subscription gave up on.</summary>
internal sealed record DeadLetterView(string EventId, string Topic, string Subscriber, DateTimeOffset Published, int Attempts, string? Error, DateTimeOffset? Dead);

/// <summary>The body of <c>POST /admin/v1/events/dead-letters/redeliver</c>; members left null are not sent.</summary>
internal sealed record RedeliverRequest(string? EventId, string? Topic, string? Subscriber, bool? All);

/// <summary>The answer to a redelivery.</summary>
internal sealed record RedeliverAnswer(int Redelivered);

/// <summary>One line of <c>naqil events lag --json</c>.</summary>
internal sealed record SubscriptionLag(string Subscriber, string Topic, long Pending, long Dead, double LagSeconds, DateTimeOffset? OldestPending);

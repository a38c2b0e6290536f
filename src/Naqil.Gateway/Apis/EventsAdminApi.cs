using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Events;
using Naqil.Gateway.Events.Delivery;
using Naqil.Gateway.Problems;
using Naqil.Identifiers;

namespace Naqil.Gateway.Apis;

/// <summary>
/// The admin API's events (docs/protocol.md section 11): what waits in the outbox, each
/// subscription's backlog and lag, its dead letters, and putting dead letters back.
/// </summary>
internal static class EventsAdminApi
{
    private const int MaxListed = 1000;

    public static RouteGroupBuilder MapEventsAdminApi(this RouteGroupBuilder group)
    {
        group.MapGet("/events/outbox", OutboxAsync);
        group.MapGet("/events/subscriptions", SubscriptionsAsync);
        group.MapGet("/events/dead-letters", DeadLettersAsync);
        group.MapPost("/events/dead-letters/redeliver", RedeliverAsync);
        return group;
    }

    /// <summary>The deliveries waiting in the event outbox, in publication order, of one topic or all; <c>limit</c> 1 to 1000 (100).</summary>
    private static async Task<IResult> OutboxAsync(IEventOutbox outbox, string? topic, int? limit, CancellationToken ct)
    {
        if (Limit(limit) is { } bad)
        {
            return bad;
        }

        var pending = await outbox.PendingAsync(string.IsNullOrEmpty(topic) ? null : topic, limit ?? 100, ct);
        return Results.Ok(pending.Select(d => new { eventId = d.EventId, topic = d.Topic, subscriber = d.Subscriber, attempts = d.Attempts, created = d.Created }));
    }

    /// <summary>
    /// Subscriptions this gateway delivers to (<c>outbound</c>: backlog, lag of the oldest waiting
    /// event, attempts and last error) and those it receives for its own subsystems (<c>inbound</c>).
    /// </summary>
    private static async Task<IResult> SubscriptionsAsync(IEventOutbox outbox, IOptions<GatewayOptions> options, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var states = await outbox.SubscriptionsAsync(ct);
        return Results.Ok(new
        {
            outbound = states.Select(s => new
            {
                topic = s.Subscription.Topic,
                subscriber = s.Subscription.Subscriber,
                pending = s.Pending,
                dead = s.Dead,
                delivered = s.Delivered,
                oldestPending = s.OldestPending,
                lagSeconds = s.OldestPending is { } oldest ? Math.Round(Math.Max(0, (now - oldest).TotalSeconds), 3) : 0,
                nextAttempt = s.NextAttempt,
                attempts = s.HeadAttempts,
                lastError = s.LastError,
                lastDelivered = s.LastDelivered,
            }),
            inbound = options.Value.Subscriptions.Select(s => new { topic = s.Topic, subscriber = s.Subscriber, endpoint = s.Endpoint }),
        });
    }

    /// <summary>Dead letters, in publication order, of one topic, one subscriber, both or all.</summary>
    private static async Task<IResult> DeadLettersAsync(IEventOutbox outbox, string? topic, string? subscriber, int? limit, CancellationToken ct)
    {
        if (Limit(limit) is { } bad)
        {
            return bad;
        }

        var dead = await outbox.DeadLettersAsync(Empty(topic), Empty(subscriber), limit ?? 100, ct);
        return Results.Ok(dead.Select(d => new { eventId = d.EventId, topic = d.Topic, subscriber = d.Subscriber, published = d.Published, attempts = d.Attempts, error = d.Error, dead = d.Dead }));
    }

    /// <summary>
    /// Puts dead letters back, to be delivered now: <c>{"eventId": ...}</c>, or all of a
    /// <c>topic</c> and/or <c>subscriber</c>, or <c>{"all": true}</c>.
    /// </summary>
    private static async Task<IResult> RedeliverAsync(HttpRequest request, IEventOutbox outbox, EventDeliverer deliverer, TimeProvider time, CancellationToken ct)
    {
        RedeliverRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync<RedeliverRequest>(ct);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or BadHttpRequestException)
        {
            body = null;
        }

        const string Example = "send a JSON body naming what to redeliver: {\"eventId\": \"<uuid>\"}, {\"topic\": \"SY/GOV/POST/ems/item-events\", \"subscriber\": \"IQ/GOV/POST/ems\"} or {\"all\": true}";
        if (body is null || (body.EventId is null && body.Topic is null && body.Subscriber is null && body.All != true))
        {
            return Problem(GatewayError.BadRequest, Example);
        }

        if (body.EventId is not null && !Guid.TryParseExact(body.EventId, "D", out _))
        {
            return Problem(GatewayError.BadRequest, "eventId must be a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e");
        }

        if (body.Topic is not null && !ServiceId.TryParse(body.Topic, out _, out var topicError))
        {
            return Problem(GatewayError.BadIdentifier, $"topic: {topicError}");
        }

        if (body.Subscriber is not null && !SubsystemId.TryParse(body.Subscriber, out _, out var subscriberError))
        {
            return Problem(GatewayError.BadIdentifier, $"subscriber: {subscriberError}");
        }

        var count = await outbox.RedeliverAsync(body.Topic, body.Subscriber, body.EventId, time.GetUtcNow(), ct);
        if (count > 0)
        {
            await deliverer.NotifyDueAsync(ct);
        }

        return Results.Ok(new { redelivered = count });
    }

    private static IResult? Limit(int? limit) =>
        limit is < 1 or > MaxListed ? Problem(GatewayError.BadRequest, $"limit must be 1 to {MaxListed}") : null;

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static ProblemResult Problem(GatewayError error, string detail) => new(new GatewayProblem(error, detail));

    private sealed record RedeliverRequest(string? EventId, string? Topic, string? Subscriber, bool? All);
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Naqil.Agencies.Postal.Exchange;

namespace Naqil.Agencies.Postal.Apis;

/// <summary>
/// The post's side of the bus: <c>POST /events/ems</c>, where its gateway delivers the other
/// post's events (one request per event, redelivered until a 2xx or a refusal), and
/// <c>GET /publications</c>, what this post queued for its own gateway and how that went.
/// </summary>
internal static class PostalEventsApi
{
    private const int MaxListed = 200;

    public static IEndpointRouteBuilder MapPostalEvents(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/events/ems", ReceiveEventAsync);
        endpoints.MapGet("/publications", ListPublicationsAsync);
        return endpoints;
    }

    /// <summary>
    /// 201 when the event (and any of its history not yet here) was stored, 200 when all of it was
    /// here already: both acknowledge. A refusal (4xx) is for an event that can never be applied, so
    /// the gateway sets it aside for an operator; a failure of this post's store is a 500, retried.
    /// </summary>
    private static async Task<Results<Created<ItemView>, Ok<ItemView>, ProblemHttpResult>> ReceiveEventAsync(HttpRequest request, PostalService postal, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(PostalEventsApi).FullName!);
        var topic = Shown(request.Headers["Naqil-Service"].ToString());
        var naqilId = Shown(request.Headers["Naqil-Id"].ToString());
        var (outcome, message) = await ReceiveAsync(request, postal, topic, cancellationToken);
        if (outcome.Error == PostalError.None)
        {
            Log.Received(logger, message?.Event?.Code, message?.ItemId, topic, naqilId, outcome.Detail);
        }
        else
        {
            Log.ReceiveRefused(logger, topic, naqilId, PostalProblems.Describe(outcome.Error).Code, outcome.Detail);
        }

        return PostalApi.Answer(outcome, $"/items/{outcome.Item?.Id.Value}");
    }

    private static async Task<(PostalOutcome Outcome, EmsEventMessage? Message)> ReceiveAsync(HttpRequest request, PostalService postal, string? topic, CancellationToken cancellationToken)
    {
        var exchange = request.HttpContext.RequestServices.GetService<PostalExchangeOptions>();
        if (exchange is { PartnerTopics.Count: > 0 } && (topic is null || !exchange.PartnerTopics.Contains(topic)))
        {
            return (PostalOutcome.Refused(PostalError.UnknownTopic,
                $"Naqil-Service '{topic}' is not a topic this post takes events from; it takes {string.Join(", ", exchange.PartnerTopics)}"), null);
        }

        var (body, tooLarge) = await PostalApi.ReadBytesAsync(request, cancellationToken);
        if (tooLarge is not null)
        {
            return (PostalOutcome.Refused(PostalError.TooLarge, $"the body may be at most {PostalApi.MaxBodyBytes} bytes"), null);
        }

        if (!EmsEventMessage.TryParse(body.Span, out var message))
        {
            return (PostalOutcome.Refused(PostalError.MalformedRequest,
                "send one EMS event as JSON: {\"itemId\", \"origin\", \"destination\", \"recordedBy\", \"event\": {\"code\", \"office\", \"time\"}, \"history\": [...]}"), null);
        }

        // The publishing subsystem and the topic both name their post first: it must be the one that recorded the event.
        var client = Shown(request.Headers["Naqil-Client"].ToString());
        foreach (var (header, value) in new[] { ("Naqil-Client", client), ("Naqil-Service", topic) })
        {
            if (value is not null && value.Split('/')[0] != message.RecordedBy)
            {
                return (PostalOutcome.Refused(PostalError.WrongPost, $"{header} '{value}' is not a subsystem of {message.RecordedBy}, which recordedBy says published the event"), message);
            }
        }

        return (await postal.ReceiveAsync(message, cancellationToken), message);
    }

    private static async Task<Results<Ok<PublicationListView>, ProblemHttpResult>> ListPublicationsAsync(string? state, int? limit, PostalService postal, HttpContext context, CancellationToken cancellationToken)
    {
        PublicationState? filter = null;
        if (state is not null)
        {
            if (!Enum.TryParse<PublicationState>(state, ignoreCase: true, out var parsed) || state != state.ToLowerInvariant() || !state.All(char.IsAsciiLetterLower))
            {
                return PostalProblems.Problem(PostalError.MalformedRequest, "state must be one of pending, published, failed");
            }

            filter = parsed;
        }

        var publications = await postal.ListPublicationsAsync(filter, Math.Clamp(limit ?? 50, 1, MaxListed), cancellationToken);
        var topic = context.RequestServices.GetService<PostalExchangeOptions>()?.Topic;
        return TypedResults.Ok(new PublicationListView(string.IsNullOrEmpty(topic) ? null : topic, publications.Count, [.. publications.Select(PublicationView.From)]));
    }

    /// <summary>A header value as it may be logged and quoted: printable ASCII, at most 128 characters; absent, null.</summary>
    private static string? Shown(string value) => value.Length == 0 ? null : new string([.. value.Take(128).Select(c => c is >= ' ' and <= '~' ? c : '?')]);
}

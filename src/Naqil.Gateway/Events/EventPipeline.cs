using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.MessageLog;
using Naqil.Gateway.Pipeline;

namespace Naqil.Gateway.Events;

/// <summary>
/// The publisher's half of events: takes an event from one of the member's own systems on the
/// consumer face, checks who publishes it and on which topic, stores it in the outbox with a
/// delivery per subscriber, and answers 202 once the outbox rows and its log entry are durable.
/// Its steps are <see cref="EventSteps.Default"/>, in that order; delivery is not built yet.
/// </summary>
internal sealed class EventPipeline(IEnumerable<IExchangeStep<EventExchange>> steps, IExchangeLog log, ExchangeRefusals refusals, IEventOutbox outbox,
    IOptions<GatewayOptions> options, TimeProvider time, ILogger<EventPipeline> logger)
    : ExchangeFace<EventExchange>(steps, log, refusals, options.Value.MaxBodyBytes, time)
{
    protected override EventExchange Begin(HttpContext context, DateTimeOffset received) => new(context, received)
    {
        Client = context.Request.Headers[NaqilHeaders.Client].ToString(),
        Purpose = context.Request.Headers[NaqilHeaders.Purpose] is { Count: > 0 } purpose ? purpose.ToString() : null,
    };

    /// <summary>The answer is the gateway's own (202 or a refusal): there is no signature to log yet.</summary>
    protected override (string? Input, string? Signature) ResponseSignature(EventExchange exchange) => (null, null);

    protected override async Task WithdrawAsync(EventExchange exchange)
    {
        if (exchange.Stored)
        {
            // Not the request's token: the event must go even when the publisher has hung up.
            await outbox.RemoveAsync(exchange.NaqilId!, CancellationToken.None);
            exchange.Stored = false;
            Log.EventWithdrawn(logger, exchange.NaqilId!);
        }
    }
}

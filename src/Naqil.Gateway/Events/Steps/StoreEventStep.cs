using System.Data.Common;
using Microsoft.Extensions.Logging;
using Naqil.Gateway.Events.Delivery;
using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;
using Naqil.Signatures;

namespace Naqil.Gateway.Events.Steps;

/// <summary>
/// Stores the event in the outbox with one pending delivery per subscriber the trust configuration
/// lists now, and sets the 202 answer (written by the pipeline's end once the log entry is durable
/// too). A Naqil-Id stored already with the same body is the publisher's resend: 202 again, nothing
/// stored; with another body it is refused (<c>id-reused</c>).
/// </summary>
internal sealed class StoreEventStep(IEventOutbox outbox, IDeliverySignal deliverer, ILogger<StoreEventStep> logger) : IExchangeStep<EventExchange>
{
    public async ValueTask<GatewayProblem?> InvokeAsync(EventExchange exchange)
    {
        var id = exchange.NaqilId!;
        exchange.RequestDigest = ContentDigest.Compute(exchange.RequestBody);
        var subscribers = exchange.Trust!.SubscribersOf(exchange.Service).Select(s => s.ToString()).ToArray();
        OutboxWrite write;
        try
        {
            write = await outbox.AddAsync(new OutboxEvent(id, exchange.Service, exchange.Client, exchange.RequestBody, exchange.Received, exchange.Purpose), subscribers, exchange.Context.RequestAborted);
        }
        catch (DbException e)
        {
            Log.OutboxWriteFailed(logger, id, e.Message);
            return new GatewayProblem(GatewayError.LogUnavailable, "the event outbox could not store this event; it was not accepted");
        }

        if (write == OutboxWrite.Conflict)
        {
            return new GatewayProblem(GatewayError.IdReused, $"an event with Naqil-Id {id} was published already with another body; send a new Naqil-Id, or none");
        }

        exchange.Stored = write == OutboxWrite.Stored;
        if (exchange.Stored)
        {
            deliverer.Notify(exchange.Service, subscribers);
        }

        exchange.Answer = new ExchangeAnswer(202, new Dictionary<string, string>(1, StringComparer.Ordinal) { ["naqil-id"] = id }, []);
        return null;
    }
}

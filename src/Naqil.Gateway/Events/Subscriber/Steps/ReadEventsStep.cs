using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Events.Delivery;
using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.Events.Subscriber.Steps;

/// <summary>The delivery's body: <c>{"events":[{"id","published","body"}]}</c> with 1 to <see cref="MaxEvents"/> events, each id once (<c>bad-body</c>).</summary>
internal sealed class ReadEventsStep(IOptions<GatewayOptions> options) : IExchangeStep<SubscriberExchange>
{
    /// <summary>The most events one delivery may carry, whatever the publisher's own batch size.</summary>
    public const int MaxEvents = 10_000;

    private readonly int _max = Math.Max(MaxEvents, options.Value.Events.MaxBatch);

    public ValueTask<GatewayProblem?> InvokeAsync(SubscriberExchange exchange)
    {
        if (!EventBatch.TryRead(exchange.RequestBody, _max, out var events, out var error))
        {
            return ValueTask.FromResult<GatewayProblem?>(new GatewayProblem(GatewayError.BadBody, error));
        }

        exchange.Events = events;
        return default;
    }
}

using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.Events.Steps;

/// <summary>
/// The topic must be in the own instance's catalogue (<c>unknown-topic</c>), and the calling client
/// must be its publisher subsystem (<c>not-publisher</c>): a client publishes on its own topics only.
/// </summary>
internal sealed class ResolveTopicStep : IExchangeStep<EventExchange>
{
    public ValueTask<GatewayProblem?> InvokeAsync(EventExchange exchange) => ValueTask.FromResult(Resolve(exchange));

    private static GatewayProblem? Resolve(EventExchange exchange)
    {
        if (!exchange.Trust!.TryGetTopic(exchange.Service, out var topic))
        {
            return new GatewayProblem(GatewayError.UnknownTopic, $"{exchange.Service} is not a topic in the trust configuration");
        }

        if (exchange.TopicId!.Subsystem != exchange.ClientId)
        {
            return new GatewayProblem(GatewayError.NotPublisher, $"{exchange.Service} is published by {exchange.TopicId.Subsystem}; {exchange.Client} may publish only on its own topics");
        }

        exchange.Topic = topic;
        return null;
    }
}

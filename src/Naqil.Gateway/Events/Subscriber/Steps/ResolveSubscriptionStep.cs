using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.Events.Subscriber.Steps;

/// <summary>
/// The delivery must be for a subscription that exists on both sides: the topic in the publisher's
/// configuration (<c>unknown-topic</c>), published by the client that sends it (<c>not-publisher</c>),
/// the subscription registered there (<c>not-subscribed</c>), and an endpoint for it at this gateway
/// (<c>Gateway:Subscriptions</c>, <c>not-subscribed</c>); a personal-data topic carries a purpose.
/// </summary>
internal sealed class ResolveSubscriptionStep(IOptions<GatewayOptions> options) : IExchangeStep<SubscriberExchange>
{
    private readonly Dictionary<(string, string), SubscriptionOptions> _endpoints =
        options.Value.Subscriptions.ToDictionary(s => (s.Topic, s.Subscriber), s => s);

    public ValueTask<GatewayProblem?> InvokeAsync(SubscriberExchange exchange) => ValueTask.FromResult(Resolve(exchange));

    private GatewayProblem? Resolve(SubscriberExchange exchange)
    {
        var publisherConfiguration = exchange.CounterpartTrust!;
        if (!publisherConfiguration.TryGetTopic(exchange.Service, out var topic))
        {
            return new GatewayProblem(GatewayError.UnknownTopic, $"{exchange.Service} is not a topic in the trust configuration of {exchange.TopicId!.Member.Instance}");
        }

        if (exchange.TopicId!.Subsystem.ToString() != exchange.Client)
        {
            return new GatewayProblem(GatewayError.NotPublisher, $"{exchange.Service} is published by {exchange.TopicId.Subsystem}, not by {exchange.Client}");
        }

        if (!publisherConfiguration.SubscribersOf(exchange.Service).Any(s => s.ToString() == exchange.Subscriber))
        {
            return new GatewayProblem(GatewayError.NotSubscribed, $"{exchange.Subscriber} is not subscribed to {exchange.Service} in the publisher's registry");
        }

        if (!_endpoints.TryGetValue((exchange.Service, exchange.Subscriber), out var subscription))
        {
            return new GatewayProblem(GatewayError.NotSubscribed, $"this gateway has no endpoint for {exchange.Subscriber} on {exchange.Service}; its operator adds one under Gateway:Subscriptions");
        }

        if (topic.PersonalData && string.IsNullOrEmpty(exchange.Purpose))
        {
            return new GatewayProblem(GatewayError.PurposeRequired, $"{exchange.Service} carries personal data: a delivery states its events' purpose in Naqil-Purpose");
        }

        exchange.Topic = topic;
        exchange.Subscription = subscription;
        return null;
    }
}

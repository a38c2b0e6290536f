using Microsoft.AspNetCore.Http.Features;
using Naqil.Gateway.Messages;
using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;
using Naqil.Identifiers;

namespace Naqil.Gateway.Events.Subscriber.Steps;

/// <summary>A delivery's target is <c>/e1/{topic}/{subscriber}</c>: a topic id (five segments), then the subscribing subsystem (four), no query.</summary>
internal sealed class ParseDeliveryTargetStep : IExchangeStep<SubscriberExchange>
{
    public ValueTask<GatewayProblem?> InvokeAsync(SubscriberExchange exchange) => ValueTask.FromResult(Parse(exchange));

    private static GatewayProblem? Parse(SubscriberExchange exchange)
    {
        var rawTarget = exchange.Context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "/";
        const string prefix = "/e1/";
        if (!rawTarget.StartsWith(prefix, StringComparison.Ordinal) || rawTarget.Contains('?', StringComparison.Ordinal))
        {
            return new GatewayProblem(GatewayError.BadPath, "deliveries of events are posted to /e1/{topic}/{subscriber}, without a query");
        }

        var segments = rawTarget[prefix.Length..].Split('/');
        if (segments.Length != 9)
        {
            return new GatewayProblem(GatewayError.BadPath, "deliveries of events are posted to /e1/{instance}/{class}/{member}/{subsystem}/{topic}/{instance}/{class}/{member}/{subsystem}");
        }

        var topicText = string.Join('/', segments[..5]);
        if (!ServiceId.TryParse(topicText, out var topic, out var error))
        {
            return new GatewayProblem(GatewayError.BadIdentifier, $"topic: {error}");
        }

        var subscriberText = string.Join('/', segments[5..]);
        if (!SubsystemId.TryParse(subscriberText, out _, out error))
        {
            return new GatewayProblem(GatewayError.BadIdentifier, $"subscriber: {error}");
        }

        exchange.TopicId = topic;
        exchange.Subscriber = subscriberText;
        exchange.Target = new ExchangeTarget(topic, topicText, "/" + subscriberText, "");
        exchange.Service = topicText;
        exchange.Path = "/" + subscriberText;
        return null;
    }
}

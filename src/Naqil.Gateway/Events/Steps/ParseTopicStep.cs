using Microsoft.AspNetCore.Http.Features;
using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;
using Naqil.Identifiers;

namespace Naqil.Gateway.Events.Steps;

/// <summary>Reads the topic from the raw target <c>/e1/{instance}/{class}/{member}/{subsystem}/{topic}</c>: a topic id has a service id's grammar, and no query.</summary>
internal sealed class ParseTopicStep : IExchangeStep<EventExchange>
{
    public const string Prefix = "/e1/";

    public ValueTask<GatewayProblem?> InvokeAsync(EventExchange exchange) => ValueTask.FromResult(Parse(exchange));

    private static GatewayProblem? Parse(EventExchange exchange)
    {
        var rawTarget = exchange.Context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "/";
        if (!rawTarget.StartsWith(Prefix, StringComparison.Ordinal) || rawTarget.Contains('?', StringComparison.Ordinal))
        {
            return new GatewayProblem(GatewayError.BadPath, "events are posted to /e1/{instance}/{class}/{member}/{subsystem}/{topic}, without a query");
        }

        var text = rawTarget[Prefix.Length..];
        if (!ServiceId.TryParse(text, out var topic, out var error))
        {
            return new GatewayProblem(GatewayError.BadIdentifier, $"topic: {error}");
        }

        exchange.TopicId = topic;
        exchange.Service = text;
        return null;
    }
}

using Microsoft.AspNetCore.Http.Features;
using Naqil.Gateway.Messages;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.Pipeline.Steps;

/// <summary>Reads the service, path and query from the raw request target, refusing a malformed service id or a path that could walk or hide structure.</summary>
internal sealed class ParseTargetStep : IExchangeStep<ExchangeFeature>
{
    public ValueTask<GatewayProblem?> InvokeAsync(ExchangeFeature exchange)
    {
        var rawTarget = exchange.Context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "/";
        if (!ExchangeTarget.TryParse(rawTarget, out var target, out var problem))
        {
            return ValueTask.FromResult<GatewayProblem?>(problem);
        }

        exchange.Target = target;
        exchange.Service = target.ServiceText;
        exchange.Path = target.Path + target.Query;
        return default;
    }
}

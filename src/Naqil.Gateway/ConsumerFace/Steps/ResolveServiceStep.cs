using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.ConsumerFace.Steps;

/// <summary>The service must be in the catalogue of the configuration that speaks for its instance.</summary>
internal sealed class ResolveServiceStep : IExchangeStep<ConsumerExchange>
{
    public ValueTask<GatewayProblem?> InvokeAsync(ConsumerExchange exchange)
    {
        var trust = exchange.CounterpartTrust!;
        if (!trust.TryGetService(exchange.Service, out var service))
        {
            return ValueTask.FromResult<GatewayProblem?>(new GatewayProblem(GatewayError.UnknownService, $"service {exchange.Service} is not in the trust configuration of {trust.Configuration.Instance}"));
        }

        exchange.ServiceEntry = service;
        return default;
    }
}

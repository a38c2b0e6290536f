using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.ConsumerFace.Steps;

/// <summary>The client subsystem must be registered in the own instance's trust configuration.</summary>
internal sealed class RegisteredClientStep : IExchangeStep<ExchangeFeature>
{
    public ValueTask<GatewayProblem?> InvokeAsync(ExchangeFeature exchange) =>
        exchange.Trust!.HasSubsystem(exchange.Client)
            ? default
            : ValueTask.FromResult<GatewayProblem?>(new GatewayProblem(GatewayError.UnknownClient, $"client {exchange.Client} is not registered in the trust configuration"));
}

using Naqil.Gateway.Problems;
using Naqil.Gateway.Trust;

namespace Naqil.Gateway.Pipeline.Steps;

/// <summary>Fails closed without a fresh trust configuration of the own instance.</summary>
internal sealed class FreshTrustStep(TrustState trust) : IExchangeStep<ExchangeFeature>
{
    public ValueTask<GatewayProblem?> InvokeAsync(ExchangeFeature exchange)
    {
        if (!trust.TryGetFresh(out var own))
        {
            return ValueTask.FromResult<GatewayProblem?>(new GatewayProblem(GatewayError.ConfigExpired, "this gateway holds no fresh trust configuration; it refuses exchanges until the registry can be reached"));
        }

        exchange.Trust = own;
        return default;
    }
}

using Naqil.Gateway.Problems;
using Naqil.Gateway.Trust;

namespace Naqil.Gateway.Pipeline.Steps;

/// <summary>
/// Finds the fresh configuration that speaks for the other side's instance: the own one at home;
/// across a border, the partner's, only while both the registry and this gateway
/// (<c>Gateway:AllowedPartners</c>) allow that partner and its configuration is fresh.
/// </summary>
internal sealed class FederationStep(TrustState trust) : IExchangeStep<ExchangeFeature>
{
    public ValueTask<GatewayProblem?> InvokeAsync(ExchangeFeature exchange)
    {
        var instance = exchange.CounterpartInstance!;
        if (instance == trust.OwnInstance)
        {
            exchange.CounterpartTrust = exchange.Trust;
            return default;
        }

        GatewayProblem? problem = trust.Check(instance, out var partner) switch
        {
            TrustCheck.NotAllowed => new GatewayProblem(GatewayError.FederationNotAllowed, trust.IsAllowedByGateway(instance)
                ? $"{instance} is not a federation partner of {trust.OwnInstance}: its registry does not list it"
                : $"this gateway does not allow traffic with {instance}; its operator adds it under Gateway:AllowedPartners once both countries agreed"),
            TrustCheck.Expired => new GatewayProblem(GatewayError.ConfigExpired, $"this gateway holds no fresh trust configuration of {instance}; traffic with {instance} resumes once one is fetched"),
            _ => null,
        };
        exchange.CounterpartTrust = partner;
        return ValueTask.FromResult(problem);
    }
}

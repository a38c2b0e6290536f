using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.ConsumerFace.Steps;

/// <summary>Picks one of the provider member's gateways, in turn.</summary>
internal sealed class ChooseProviderStep : IExchangeStep<ConsumerExchange>
{
    private int _roundRobin;

    public ValueTask<GatewayProblem?> InvokeAsync(ConsumerExchange exchange)
    {
        var member = exchange.Target!.Service.Member;
        var providers = exchange.CounterpartTrust!.GatewaysOf(member);
        if (providers.Count == 0)
        {
            return ValueTask.FromResult<GatewayProblem?>(new GatewayProblem(GatewayError.ProviderUnreachable, $"no gateway is registered for {member}"));
        }

        exchange.Peer = providers[(int)((uint)Interlocked.Increment(ref _roundRobin) % (uint)providers.Count)];
        return default;
    }
}

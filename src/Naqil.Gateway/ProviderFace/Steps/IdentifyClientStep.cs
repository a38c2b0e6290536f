using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;
using Naqil.Identifiers;

namespace Naqil.Gateway.ProviderFace.Steps;

/// <summary>The client the request names must be a registered subsystem of the member whose gateway connected.</summary>
internal sealed class IdentifyClientStep : IExchangeStep<ProviderExchange>
{
    public ValueTask<GatewayProblem?> InvokeAsync(ProviderExchange exchange) => ValueTask.FromResult(Identify(exchange));

    private static GatewayProblem? Identify(ProviderExchange exchange)
    {
        var text = exchange.Client;
        if (!SubsystemId.TryParse(text, out var client, out var error))
        {
            return new GatewayProblem(GatewayError.BadIdentifier, $"Naqil-Client: {error}");
        }

        var peer = exchange.Peer!;
        if (client.Member != peer.Member || !exchange.CounterpartTrust!.HasSubsystem(text))
        {
            return new GatewayProblem(GatewayError.UnknownClient, $"client {text} is not a registered subsystem of {peer.Member}, the member whose gateway connected");
        }

        return null;
    }
}

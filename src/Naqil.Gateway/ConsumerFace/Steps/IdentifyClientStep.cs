using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;
using Naqil.Identifiers;

namespace Naqil.Gateway.ConsumerFace.Steps;

/// <summary>Reads the calling subsystem from <c>Naqil-Client</c>: a valid identifier of this gateway's member.</summary>
internal sealed class IdentifyClientStep(IOptions<GatewayOptions> options) : IExchangeStep<ClientExchange>
{
    private readonly MemberId _member = MemberId.Parse(options.Value.Member);

    public ValueTask<GatewayProblem?> InvokeAsync(ClientExchange exchange) => ValueTask.FromResult(Identify(exchange));

    private GatewayProblem? Identify(ClientExchange exchange)
    {
        var text = exchange.Client;
        if (text.Length == 0)
        {
            return new GatewayProblem(GatewayError.BadIdentifier, "Naqil-Client is missing: name the calling subsystem, as in SY/GOV/MOCT/portal");
        }

        if (!SubsystemId.TryParse(text, out var client, out var error))
        {
            return new GatewayProblem(GatewayError.BadIdentifier, $"Naqil-Client: {error}");
        }

        if (client.Member != _member)
        {
            return new GatewayProblem(GatewayError.UnknownClient, $"client {text} belongs to {client.Member}; this gateway serves {_member}");
        }

        exchange.ClientId = client;
        return null;
    }
}

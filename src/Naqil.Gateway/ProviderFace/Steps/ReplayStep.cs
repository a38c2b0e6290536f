using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.ProviderFace.Steps;

/// <summary>A signed request is accepted once: its (signing key, <c>Naqil-Id</c>) is remembered for as long as its signature is fresh.</summary>
internal sealed class ReplayStep(ReplayCache replay, TimeProvider time, IOptions<GatewayOptions> options) : IExchangeStep<ProviderExchange>
{
    private readonly TimeSpan _maxClockSkew = options.Value.MaxClockSkew;

    public ValueTask<GatewayProblem?> InvokeAsync(ProviderExchange exchange)
    {
        var rememberUntil = DateTimeOffset.FromUnixTimeSeconds(exchange.Signature!.Parameters.Created!.Value) + _maxClockSkew;
        GatewayProblem? problem = replay.TryRegister(exchange.Peer!.SigningThumbprint, exchange.NaqilId!, rememberUntil, time.GetUtcNow()) switch
        {
            ReplayCheck.Replayed => new GatewayProblem(GatewayError.Replayed, $"exchange {exchange.NaqilId} was already received; send a new Naqil-Id for a new exchange"),
            ReplayCheck.Full => new GatewayProblem(GatewayError.Overloaded, "the replay cache is full; retry shortly"),
            ReplayCheck.PeerFull => new GatewayProblem(GatewayError.Overloaded, "this gateway holds as many recent exchanges of your gateway as it keeps for one peer; retry shortly"),
            _ => null,
        };
        return ValueTask.FromResult(problem);
    }
}

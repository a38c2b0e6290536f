using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.ProviderFace.Steps;

/// <summary>A signed request is accepted once: its (signing key, <c>Naqil-Id</c>) is remembered for as long as its signature is fresh.</summary>
/// <remarks>The gateway's own cache answers first; on shared state (several gateways of one member), the member's shared window is asked too.</remarks>
internal sealed class ReplayStep(ReplayCache replay, IReplayWindow shared, TimeProvider time, IOptions<GatewayOptions> options) : IExchangeStep<ProviderExchange>
{
    private readonly TimeSpan _maxClockSkew = options.Value.MaxClockSkew;

    public ValueTask<GatewayProblem?> InvokeAsync(ProviderExchange exchange)
    {
        var rememberUntil = DateTimeOffset.FromUnixTimeSeconds(exchange.Signature!.Parameters.Created!.Value) + _maxClockSkew;
        var now = time.GetUtcNow();
        var local = Local(replay.TryRegister(exchange.Peer!.SigningThumbprint, exchange.NaqilId!, rememberUntil, now), exchange.NaqilId!);
        return local is null && shared is not LocalReplayWindow ? TakeSharedAsync(exchange, rememberUntil, now) : ValueTask.FromResult(local);
    }

    private async ValueTask<GatewayProblem?> TakeSharedAsync(ProviderExchange exchange, DateTimeOffset rememberUntil, DateTimeOffset now)
    {
        try
        {
            return await shared.TryTakeAsync(exchange.Peer!.SigningThumbprint, Guid.ParseExact(exchange.NaqilId!, "D"), rememberUntil, now, exchange.Context.RequestAborted)
                ? null
                : new GatewayProblem(GatewayError.Replayed, $"exchange {exchange.NaqilId} was already received by another gateway of this member; send a new Naqil-Id for a new exchange");
        }
        catch (InvalidOperationException e)
        {
            // Fail closed: without the shared window a replay at another gateway could not be told.
            return new GatewayProblem(GatewayError.Overloaded, $"{e.Message}; retry shortly");
        }
    }

    private static GatewayProblem? Local(ReplayCheck check, string naqilId) =>
        check switch
        {
            ReplayCheck.Replayed => new GatewayProblem(GatewayError.Replayed, $"exchange {naqilId} was already received; send a new Naqil-Id for a new exchange"),
            ReplayCheck.Full => new GatewayProblem(GatewayError.Overloaded, "the replay cache is full; retry shortly"),
            ReplayCheck.PeerFull => new GatewayProblem(GatewayError.Overloaded, "this gateway holds as many recent exchanges of your gateway as it keeps for one peer; retry shortly"),
            _ => null,
        };
}

using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Signing;

namespace Naqil.Gateway.Events.Subscriber.Steps;

/// <summary>The delivery's RFC 9421 signature, as an exchange's (section 5) but with the tag <c>naqil-event</c>.</summary>
internal sealed class VerifyEventSignatureStep(ExchangeSignatures signatures, IOptions<GatewayOptions> options) : IExchangeStep<SubscriberExchange>
{
    private readonly TimeSpan _maxClockSkew = options.Value.MaxClockSkew;

    public ValueTask<GatewayProblem?> InvokeAsync(SubscriberExchange exchange)
    {
        var problem = signatures.VerifyRequest(exchange.Incoming, exchange.RequestSignatureInput, exchange.RequestSignature, exchange.CounterpartTrust!, exchange.Peer!, _maxClockSkew,
            NaqilHeaders.EventTag, out var signature);
        exchange.Signature = signature;
        return ValueTask.FromResult(problem);
    }
}

using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Signing;

namespace Naqil.Gateway.ProviderFace.Steps;

/// <summary>The request's RFC 9421 signature: made with the signing key of the gateway that connected, fresh, covering all Naqil requires, and valid.</summary>
internal sealed class VerifySignatureStep(ExchangeSignatures signatures, IOptions<GatewayOptions> options) : IExchangeStep<ProviderExchange>
{
    private readonly TimeSpan _maxClockSkew = options.Value.MaxClockSkew;

    public ValueTask<GatewayProblem?> InvokeAsync(ProviderExchange exchange)
    {
        var problem = signatures.VerifyRequest(exchange.Incoming, exchange.RequestSignatureInput, exchange.RequestSignature, exchange.CounterpartTrust!, exchange.Peer!, _maxClockSkew, out var signature);
        exchange.Signature = signature;
        return ValueTask.FromResult(problem);
    }
}

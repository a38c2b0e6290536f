using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;
using Naqil.Signatures;

namespace Naqil.Gateway.ProviderFace.Steps;

/// <summary>The body must match the signed <c>Content-Digest</c> (RFC 9530).</summary>
internal sealed class VerifyDigestStep : IExchangeStep<ProviderExchange>
{
    public ValueTask<GatewayProblem?> InvokeAsync(ProviderExchange exchange) =>
        ContentDigest.Verify(exchange.RequestDigest, exchange.RequestBody)
            ? default
            : ValueTask.FromResult<GatewayProblem?>(new GatewayProblem(GatewayError.BadSignature, "the body does not match its signed Content-Digest: it was altered on the way"));
}

using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Signing;
using Naqil.Keys;
using Naqil.Signatures;

namespace Naqil.Gateway.ConsumerFace.Steps;

/// <summary>
/// Checks the provider's answer: signed by the provider gateway's key (tag <c>naqil-response</c>),
/// bound to this request's signature, its body matching its digest and its <c>Naqil-Id</c> this
/// exchange's. Only then does it become the answer relayed to the client.
/// </summary>
internal sealed class VerifyResponseStep(ExchangeSignatures signatures, IOptions<GatewayOptions> options) : IExchangeStep<ConsumerExchange>
{
    private static readonly string[] RelayedResponseHeaders = ["content-type", "content-digest", "naqil-id", "naqil-error", "signature-input", "signature"];

    private readonly TimeSpan _maxClockSkew = options.Value.MaxClockSkew;

    public ValueTask<GatewayProblem?> InvokeAsync(ConsumerExchange exchange) => ValueTask.FromResult(Verify(exchange));

    private GatewayProblem? Verify(ConsumerExchange exchange)
    {
        var response = exchange.Response!;
        var view = MessageViews.FromIncoming(response);
        if (view.GetHeader("signature") is null && view.GetHeader("naqil-error") == SigningUnavailableException.Code)
        {
            // Unsigned, so only a hint; but the answer is withheld either way, and this says why.
            return new GatewayProblem(GatewayError.SigningUnavailable, "the provider's gateway answered, unsigned, that it cannot sign now (its signing key's token is unavailable); try again shortly");
        }

        if (signatures.VerifyResponse(view, exchange.Request!.View, view.GetHeader("signature-input"), view.GetHeader("signature"), exchange.Peer!, _maxClockSkew) is { } problem)
        {
            return problem;
        }

        if (!ContentDigest.Verify(view.GetHeader("content-digest"), exchange.ResponseBody) || view.GetHeader("naqil-id") != exchange.NaqilId)
        {
            return new GatewayProblem(GatewayError.BadResponseSignature, "the provider's response body or Naqil-Id does not match what its signature covers");
        }

        var headers = new Dictionary<string, string>(RelayedResponseHeaders.Length, StringComparer.Ordinal);
        foreach (var name in RelayedResponseHeaders)
        {
            if (view.GetHeader(name) is { } value)
            {
                headers[name] = value;
            }
        }

        exchange.Answer = new ExchangeAnswer((int)response.StatusCode, headers, exchange.ResponseBody!);
        return null;
    }
}

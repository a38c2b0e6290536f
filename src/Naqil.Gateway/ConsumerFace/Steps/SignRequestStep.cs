using Naqil.Gateway.Forwarding;
using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Signing;
using Naqil.Keys;

namespace Naqil.Gateway.ConsumerFace.Steps;

/// <summary>Signs the request for the chosen provider gateway (RFC 9421, tag <c>naqil-request</c>) and adds the request headers passed through unsigned.</summary>
internal sealed class SignRequestStep(SignedRequestFactory requests) : IExchangeStep<ConsumerExchange>
{
    private static readonly string[] PassedRequestHeaders = ["accept", "accept-language"];

    public ValueTask<GatewayProblem?> InvokeAsync(ConsumerExchange exchange)
    {
        var request = exchange.Context.Request;
        var headers = exchange.SignedHeaders;
        if (request.ContentType is { Length: > 0 } contentType)
        {
            headers["content-type"] = contentType;
        }

        SignedRequest signed;
        try
        {
            signed = requests.Create(exchange.Peer!, Forwarder.Method(request.Method), exchange.Target!, headers, exchange.RequestBody, request.ContentLength is not null);
        }
        catch (SigningUnavailableException e)
        {
            return ValueTask.FromResult<GatewayProblem?>(new GatewayProblem(GatewayError.SigningUnavailable, $"this gateway cannot sign the request: {e.Message}"));
        }

        exchange.Request = signed;
        exchange.RequestDigest = headers["content-digest"];
        exchange.RequestSignatureInput = signed.Signature.SignatureInput;
        exchange.RequestSignature = signed.Signature.Signature;
        foreach (var name in PassedRequestHeaders)
        {
            if (request.Headers.TryGetValue(name, out var value))
            {
                signed.Message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value);
            }
        }

        return default;
    }
}

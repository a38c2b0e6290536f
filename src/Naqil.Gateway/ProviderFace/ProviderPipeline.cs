using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.MessageLog;
using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Signing;
using Naqil.Signatures;

namespace Naqil.Gateway.ProviderFace;

/// <summary>
/// The provider face: receives a signed request from another gateway over mutual TLS, and only
/// after the peer, the signature, its freshness, replay and the access rules all pass does it call
/// the backend. Every answer, refusals included, is signed and bound to the request. Its steps are
/// <see cref="ProviderSteps.Default"/>, in that order.
/// </summary>
internal sealed class ProviderPipeline(IEnumerable<IExchangeStep<ProviderExchange>> steps, IExchangeLog log, ExchangeRefusals refusals, ExchangeSignatures signatures,
    IOptions<GatewayOptions> options, TimeProvider time)
    : ExchangeFace<ProviderExchange>(steps, log, refusals, options.Value.MaxBodyBytes, time)
{
    protected override ProviderExchange Begin(HttpContext context, DateTimeOffset received)
    {
        var incoming = MessageViews.FromIncoming(context.Request);
        var id = incoming.GetHeader("naqil-id");
        var query = incoming.Query;
        return new ProviderExchange(context, received, incoming)
        {
            NaqilId = Guid.TryParseExact(id, "D", out _) ? id : null,
            Client = incoming.GetHeader("naqil-client") ?? "",
            Service = incoming.GetHeader("naqil-service") ?? "",
            User = incoming.GetHeader("naqil-user"),
            Purpose = incoming.GetHeader("naqil-purpose"),
            Subject = incoming.GetHeader("naqil-subject"),
            Path = query == "?" ? incoming.Path! : incoming.Path + query,
            RequestDigest = incoming.GetHeader("content-digest"),
            RequestSignatureInput = incoming.GetHeader("signature-input"),
            RequestSignature = incoming.GetHeader("signature"),
        };
    }

    /// <summary>Signs the answer, refusals included, and binds it to the request's signature.</summary>
    protected override void Seal(ProviderExchange exchange)
    {
        var answer = exchange.Answer!;
        answer.Headers["content-digest"] = ContentDigest.Compute(answer.Body);
        exchange.ResponseSignature = signatures.SignResponse(MessageViews.FromOutgoingResponse(answer.Status, answer.Headers), answer.Headers, exchange.Incoming);
    }

    protected override (string? Input, string? Signature) ResponseSignature(ProviderExchange exchange) =>
        (exchange.ResponseSignature?.SignatureInput, exchange.ResponseSignature?.Signature);

    protected override void AddHeaders(ProviderExchange exchange, IHeaderDictionary headers)
    {
        headers[NaqilHeaders.SignatureInput] = exchange.ResponseSignature!.Value.SignatureInput;
        headers[NaqilHeaders.Signature] = exchange.ResponseSignature!.Value.Signature;
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.MessageLog;
using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Signing;
using Naqil.Keys;
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
    : SignedAnswerFace<ProviderExchange>(steps, log, refusals, signatures, options, time)
{
    protected override ProviderExchange Create(HttpContext context, DateTimeOffset received, HttpMessageComponents incoming) => new(context, received, incoming);
}

/// <summary>
/// A face that answers another gateway: reads the Naqil headers of the signed request once, and
/// signs every answer, refusals included, bound to the request's signature (docs/protocol.md
/// section 6). The provider face and the subscriber's face of events are two.
/// </summary>
internal abstract class SignedAnswerFace<TExchange>(IEnumerable<IExchangeStep<TExchange>> steps, IExchangeLog log, ExchangeRefusals refusals, ExchangeSignatures signatures,
    IOptions<GatewayOptions> options, TimeProvider time)
    : ExchangeFace<TExchange>(steps, log, refusals, options.Value.MaxBodyBytes, time)
    where TExchange : ProviderExchange
{
    protected abstract TExchange Create(HttpContext context, DateTimeOffset received, HttpMessageComponents incoming);

    protected override TExchange Begin(HttpContext context, DateTimeOffset received)
    {
        var incoming = MessageViews.FromIncoming(context.Request);
        var id = incoming.GetHeader("naqil-id");
        var query = incoming.Query;
        var exchange = Create(context, received, incoming);
        exchange.NaqilId = Guid.TryParseExact(id, "D", out _) ? id : null;
        exchange.Client = incoming.GetHeader("naqil-client") ?? "";
        exchange.Service = incoming.GetHeader("naqil-service") ?? "";
        exchange.User = incoming.GetHeader("naqil-user");
        exchange.Purpose = incoming.GetHeader("naqil-purpose");
        exchange.Subject = incoming.GetHeader("naqil-subject");
        exchange.Path = query == "?" ? incoming.Path! : incoming.Path + query;
        exchange.RequestDigest = incoming.GetHeader("content-digest");
        exchange.RequestSignatureInput = incoming.GetHeader("signature-input");
        exchange.RequestSignature = incoming.GetHeader("signature");
        return exchange;
    }

    /// <summary>
    /// Signs the answer, refusals included, and binds it to the request's signature. When the
    /// signing key's token is unavailable, the answer becomes an unsigned <c>signing-unavailable</c>
    /// refusal: the backend's answer, if there was one, is not sent without its signature.
    /// </summary>
    protected override void Seal(TExchange exchange)
    {
        var answer = exchange.Answer!;
        answer.Headers["content-digest"] = ContentDigest.Compute(answer.Body);
        try
        {
            exchange.ResponseSignature = signatures.SignResponse(MessageViews.FromOutgoingResponse(answer.Status, answer.Headers), answer.Headers, exchange.Incoming);
        }
        catch (SigningUnavailableException e)
        {
            exchange.ResponseSignature = null;
            exchange.Problem = new GatewayProblem(GatewayError.SigningUnavailable, $"the provider's gateway cannot sign its answer, so it withholds it: {e.Message}");
            Refusals.Refuse(exchange, exchange.Problem.Value);
            exchange.Answer!.Headers["content-digest"] = ContentDigest.Compute(exchange.Answer.Body);
        }
    }

    protected override (string? Input, string? Signature) ResponseSignature(TExchange exchange) =>
        (exchange.ResponseSignature?.SignatureInput, exchange.ResponseSignature?.Signature);

    protected override void AddHeaders(TExchange exchange, IHeaderDictionary headers)
    {
        if (exchange.ResponseSignature is { } signature)
        {
            headers[NaqilHeaders.SignatureInput] = signature.SignatureInput;
            headers[NaqilHeaders.Signature] = signature.Signature;
        }
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.MessageLog;
using Naqil.Gateway.Pipeline;

namespace Naqil.Gateway.ConsumerFace;

/// <summary>
/// The consumer face: takes a plain HTTP call from one of the member's information systems, checks
/// who it is and what it asks for, signs it, sends it over mutual TLS to the provider's gateway,
/// verifies the signed answer and hands it back with both halves of the evidence. Its steps are
/// <see cref="ConsumerSteps.Default"/>, in that order.
/// </summary>
internal sealed class ConsumerPipeline(IEnumerable<IExchangeStep<ConsumerExchange>> steps, IExchangeLog log, ExchangeRefusals refusals, IOptions<GatewayOptions> options, TimeProvider time)
    : ExchangeFace<ConsumerExchange>(steps, log, refusals, options.Value.MaxBodyBytes, time)
{
    protected override ConsumerExchange Begin(HttpContext context, DateTimeOffset received) => new(context, received)
    {
        Client = context.Request.Headers[NaqilHeaders.Client].ToString(),
    };

    protected override (string? Input, string? Signature) ResponseSignature(ConsumerExchange exchange) =>
        (exchange.Answer!.Headers.GetValueOrDefault("signature-input"), exchange.Answer.Headers.GetValueOrDefault("signature"));

    /// <summary>A relayed answer carries the request's signature too: the client holds both halves of the evidence.</summary>
    protected override void AddHeaders(ConsumerExchange exchange, IHeaderDictionary headers)
    {
        if (exchange.Problem is null && exchange.Request is { } request)
        {
            headers[NaqilHeaders.RequestSignatureInput] = request.Signature.SignatureInput;
            headers[NaqilHeaders.RequestSignature] = request.Signature.Signature;
        }
    }
}

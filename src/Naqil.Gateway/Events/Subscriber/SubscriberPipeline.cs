using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.MessageLog;
using Naqil.Gateway.Pipeline;
using Naqil.Gateway.ProviderFace;
using Naqil.Gateway.Signing;
using Naqil.Signatures;

namespace Naqil.Gateway.Events.Subscriber;

/// <summary>
/// The subscriber's half of events, on the provider face's listener (<c>POST /e1/{topic}/{subscriber}</c>):
/// checks a publisher's gateway and its signed delivery as the provider face checks an exchange,
/// posts each event in order to the subscription's endpoint on the backend, remembers what the
/// backend acknowledged (so a redelivery is answered <c>duplicate</c> without calling it again),
/// and answers with a signed result per event. Its steps are <see cref="SubscriberSteps.Default"/>.
/// </summary>
internal sealed class SubscriberPipeline(IEnumerable<IExchangeStep<SubscriberExchange>> steps, IExchangeLog log, ExchangeRefusals refusals, ExchangeSignatures signatures,
    IOptions<GatewayOptions> options, TimeProvider time)
    : SignedAnswerFace<SubscriberExchange>(steps, log, refusals, signatures, options, time)
{
    protected override SubscriberExchange Create(HttpContext context, DateTimeOffset received, HttpMessageComponents incoming) => new(context, received, incoming);
}

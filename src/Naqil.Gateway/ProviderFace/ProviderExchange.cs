using Microsoft.AspNetCore.Http;
using Naqil.Gateway.Pipeline;
using Naqil.Signatures;

namespace Naqil.Gateway.ProviderFace;

/// <summary>One exchange on the provider face: the signed request as received, and what its steps learn (a delivery of events is one too, <see cref="Events.Subscriber.SubscriberExchange"/>).</summary>
internal class ProviderExchange(HttpContext context, DateTimeOffset received, HttpMessageComponents incoming) : ExchangeFeature(context, received)
{
    public override string Side => "provider";

    public override string? CounterpartInstance => Peer?.Member.Instance;

    /// <summary>The request as its signature sees it: @path and @query exactly as they came on the wire.</summary>
    public HttpMessageComponents Incoming { get; } = incoming;

    /// <summary>The base URL of the backend that serves the requested service.</summary>
    public string? BackendBase { get; set; }

    /// <summary>The request's signature, once verified.</summary>
    public ParsedSignature? Signature { get; set; }

    /// <summary>The answer's signature, once sealed.</summary>
    public SignedFields? ResponseSignature { get; set; }
}

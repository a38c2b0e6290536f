using Microsoft.AspNetCore.Http;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Events.Delivery;
using Naqil.Gateway.ProviderFace;
using Naqil.Identifiers;
using Naqil.Signatures;
using Naqil.Trust;

namespace Naqil.Gateway.Events.Subscriber;

/// <summary>A delivery of events received from a publisher's gateway on the provider face's listener: what the subscriber's steps learn.</summary>
internal sealed class SubscriberExchange(HttpContext context, DateTimeOffset received, HttpMessageComponents incoming) : ProviderExchange(context, received, incoming)
{
    /// <summary>The log's side for a delivery received for a subscriber (docs/message-log.md).</summary>
    public const string SubscriberSide = "subscriber";

    public override string Side => SubscriberSide;

    public ServiceId? TopicId { get; set; }

    /// <summary>The subscribing subsystem named in the path.</summary>
    public string Subscriber { get; set; } = "";

    public TopicEntry? Topic { get; set; }

    /// <summary>Where this gateway posts the subscription's events.</summary>
    public SubscriptionOptions? Subscription { get; set; }

    /// <summary>The events of the delivery, in order.</summary>
    public List<BatchEvent>? Events { get; set; }
}

using Microsoft.AspNetCore.Http;
using Naqil.Gateway.ConsumerFace;
using Naqil.Identifiers;
using Naqil.Trust;

namespace Naqil.Gateway.Events;

/// <summary>One event a publisher's system posts to its own gateway: what the events pipeline's steps learn.</summary>
internal sealed class EventExchange(HttpContext context, DateTimeOffset received) : ClientExchange(context, received)
{
    /// <summary>The log's side for a published event (docs/message-log.md).</summary>
    public const string PublisherSide = "publisher";

    public override string Side => PublisherSide;

    /// <summary>An event stays in its own instance until delivery carries it.</summary>
    public override string? CounterpartInstance => null;

    /// <summary>The topic named in the path, once it parsed.</summary>
    public ServiceId? TopicId { get; set; }

    /// <summary>The topic's catalogue entry.</summary>
    public TopicEntry? Topic { get; set; }

    /// <summary>Whether this request stored the event (not a resend of one stored before), so that only it withdraws it.</summary>
    public bool Stored { get; set; }
}

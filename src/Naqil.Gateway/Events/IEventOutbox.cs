namespace Naqil.Gateway.Events;

/// <summary>
/// The publisher's durable outbox, in the message log's database: each event once, and one pending
/// delivery per subscriber the trust configuration listed when it was published, so delivery can
/// follow each subscriber on its own (order, attempts, dead letters) without reading the
/// configuration of the past. Every write is one transaction, durable when it returns.
/// </summary>
internal interface IEventOutbox
{
    /// <summary>
    /// Stores the event and its deliveries, or, when an event with its id is stored already, tells
    /// whether that one had the same body (<see cref="OutboxWrite.Duplicate"/>, nothing written) or
    /// not (<see cref="OutboxWrite.Conflict"/>).
    /// </summary>
    Task<OutboxWrite> AddAsync(OutboxEvent outboxEvent, IReadOnlyList<string> subscribers, CancellationToken cancellationToken);

    /// <summary>Removes an event and its deliveries (one whose log entry could not be written); false when it was not stored.</summary>
    Task<bool> RemoveAsync(string eventId, CancellationToken cancellationToken);

    Task<OutboxEvent?> FindAsync(string eventId, CancellationToken cancellationToken);

    /// <summary>Pending deliveries, oldest first, of one topic or of all (<paramref name="topic"/> null), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<PendingDelivery>> PendingAsync(string? topic, int limit, CancellationToken cancellationToken);
}

internal enum OutboxWrite
{
    Stored,
    Duplicate,
    Conflict,
}

/// <summary>An event as the outbox keeps it: its Naqil-Id, topic, publishing client, JSON body and when it was accepted.</summary>
internal sealed record OutboxEvent(string Id, string Topic, string Publisher, byte[] Body, DateTimeOffset Published);

/// <summary>A delivery waiting: the event, its topic, the subscriber, attempts so far and when it was created.</summary>
internal sealed record PendingDelivery(string EventId, string Topic, string Subscriber, int Attempts, DateTimeOffset Created);

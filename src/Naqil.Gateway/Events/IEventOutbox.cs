namespace Naqil.Gateway.Events;

/// <summary>
/// The publisher's durable outbox, in the message log's database: each event once, numbered in the
/// order it was stored, and one delivery per subscriber the trust configuration listed when it was
/// published, so delivery follows each subscription on its own (order, attempts, dead letters)
/// without reading the configuration of the past. Every write is one transaction, durable when it
/// returns.
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

    /// <summary>Pending deliveries in publication order, of one topic or of all (<paramref name="topic"/> null), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<PendingDelivery>> PendingAsync(string? topic, int limit, CancellationToken cancellationToken);

    /// <summary>Every subscription with a pending delivery, and when its oldest one may next be tried.</summary>
    Task<IReadOnlyList<DueSubscription>> DueAsync(CancellationToken cancellationToken);

    /// <summary>The oldest pending deliveries of one subscription, in publication order, with their events.</summary>
    Task<IReadOnlyList<QueuedEvent>> NextAsync(Subscription subscription, int limit, CancellationToken cancellationToken);

    /// <summary>Records what became of deliveries of one subscription, in one transaction.</summary>
    Task RecordAsync(Subscription subscription, IReadOnlyList<DeliveryRecord> records, CancellationToken cancellationToken);

    /// <summary>Per subscription: how many wait, how many are dead letters, the oldest waiting, the last error.</summary>
    Task<IReadOnlyList<SubscriptionState>> SubscriptionsAsync(CancellationToken cancellationToken);

    /// <summary>Dead letters, oldest first, of one subscription's topic and subscriber or all (either null), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(string? topic, string? subscriber, int limit, CancellationToken cancellationToken);

    /// <summary>Puts dead letters back to be delivered now (all matching, or the one event); returns how many.</summary>
    Task<int> RedeliverAsync(string? topic, string? subscriber, string? eventId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Forgets deliveries delivered before <paramref name="before"/>, then events published before
    /// it that no delivery refers to any more; pending deliveries and dead letters stay, with their
    /// events. Returns how many deliveries and events went.
    /// </summary>
    Task<(int Deliveries, int Events)> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken);
}

internal enum OutboxWrite
{
    Stored,
    Duplicate,
    Conflict,
}

/// <summary>One subscription as delivery sees it: a topic and a subscriber subsystem.</summary>
internal readonly record struct Subscription(string Topic, string Subscriber)
{
    public override string ToString() => $"{Subscriber} on {Topic}";
}

/// <summary>An event as the outbox keeps it: its Naqil-Id, topic, publishing client, JSON body, when it was accepted, and its purpose if stated.</summary>
internal sealed record OutboxEvent(string Id, string Topic, string Publisher, byte[] Body, DateTimeOffset Published, string? Purpose = null);

/// <summary>A delivery waiting: the event, its topic, the subscriber, attempts so far and when the event was published.</summary>
internal sealed record PendingDelivery(string EventId, string Topic, string Subscriber, int Attempts, DateTimeOffset Created);

/// <summary>A subscription with work, and when its oldest pending delivery may be tried.</summary>
internal sealed record DueSubscription(Subscription Subscription, DateTimeOffset NextAttempt);

/// <summary>A pending delivery with its event, as it is sent.</summary>
internal sealed record QueuedEvent(long Seq, OutboxEvent Event, int Attempts, DateTimeOffset NextAttempt);

internal enum DeliveryState
{
    Pending,
    Delivered,
    Dead,
}

/// <summary>What became of one delivery: delivered, dead, or pending again with its next attempt.</summary>
internal sealed record DeliveryRecord(long Seq, DeliveryState State, int Attempts, DateTimeOffset NextAttempt, string? Error, string? DeliveryId, DateTimeOffset? Done);

/// <summary>One subscription's backlog at the publisher's gateway.</summary>
internal sealed record SubscriptionState(Subscription Subscription, long Pending, long Dead, long Delivered, DateTimeOffset? OldestPending, DateTimeOffset? NextAttempt, int HeadAttempts, string? LastError, DateTimeOffset? LastDelivered);

/// <summary>An event its subscription gave up on, and why.</summary>
internal sealed record DeadLetter(string EventId, string Topic, string Subscriber, DateTimeOffset Published, int Attempts, string? Error, DateTimeOffset? Dead);

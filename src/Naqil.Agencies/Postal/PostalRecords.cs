namespace Naqil.Agencies.Postal;

/// <summary>One event of an item as stored: its code, office and time with the offset it was recorded in.</summary>
internal sealed record ItemEvent(EmsEventCode Code, string Office, DateTimeOffset Time)
{
    /// <summary>Which post records it: the item's origin (EMA..EMC) or its destination (EMD..EMI).</summary>
    public EventSide Side => EmsEvents.Info(Code).Side;
}

/// <summary>
/// An item as one post knows it: its whole history, its own events and those the other post
/// published, in time order (ties in EMSEVT order, which is each side's order of events).
/// </summary>
internal sealed record TrackedItem(S10Id Id, string Destination, IReadOnlyList<ItemEvent> Events)
{
    public string Origin => Id.Country;

    /// <summary>
    /// The event the item's status follows: the destination post's latest once there is one (every
    /// destination event follows the crossing, whatever the two posts' clocks say), else the origin's.
    /// </summary>
    public ItemEvent? Last => LastOf(EventSide.Destination) ?? LastOf(EventSide.Origin);

    public ItemEvent? LastOf(EventSide side) => Events.LastOrDefault(e => e.Side == side);

    /// <summary>The events one post recorded, in the order it recorded them.</summary>
    public IReadOnlyList<ItemEvent> EventsOf(EventSide side) => [.. Events.Where(e => e.Side == side)];

    /// <summary>The post that recorded <paramref name="e"/>: the item's origin or its destination.</summary>
    public string RecordedBy(ItemEvent e) => e.Side == EventSide.Origin ? Origin : Destination;

    public TrackedItem With(IEnumerable<ItemEvent> added) => this with { Events = InTimeOrder([.. Events, .. added]) };

    public static IReadOnlyList<ItemEvent> InTimeOrder(IEnumerable<ItemEvent> events) => [.. events.OrderBy(e => e.Time).ThenBy(e => e.Code)];
}

/// <summary>An item in a listing: where it is and in which state.</summary>
internal sealed record ItemSummary(string ItemId, string Origin, string Destination, string Status, string Office, DateTimeOffset Time);

/// <summary>
/// What a store change does, decided on the item as it is inside the store's transaction: the
/// events to append (none: nothing is written), and the publication to queue with them.
/// </summary>
internal sealed record StoreChange<TOutcome>(TOutcome Outcome, string? CreateDestination = null, IReadOnlyList<ItemEvent>? Append = null, OutgoingEvent? Publish = null);

/// <summary>An event of this post to publish on its topic: its Naqil-Id and its body, fixed when the event is recorded.</summary>
internal sealed record OutgoingEvent(Guid NaqilId, S10Id ItemId, EmsEventCode Code, string Body, DateTimeOffset Queued);

/// <summary>Where a publication is: waiting for the gateway, taken by it (202), or refused by it for good.</summary>
internal enum PublicationState
{
    Pending,
    Published,
    Failed,
}

/// <summary>A publication as the store keeps it; <see cref="Seq"/> is the order it was queued in.</summary>
internal sealed record Publication(long Seq, string NaqilId, string ItemId, string Code, string Body, PublicationState State, int Attempts, string? LastError, DateTimeOffset Queued, DateTimeOffset? Updated);

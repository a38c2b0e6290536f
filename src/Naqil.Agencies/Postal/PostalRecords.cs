namespace Naqil.Agencies.Postal;

/// <summary>One event of an item as stored: its code, office and time with the offset it was recorded in.</summary>
internal sealed record ItemEvent(EmsEventCode Code, string Office, DateTimeOffset Time);

/// <summary>An item as one post knows it, its events in the order they happened.</summary>
internal sealed record TrackedItem(S10Id Id, string Destination, IReadOnlyList<ItemEvent> Events)
{
    public string Origin => Id.Country;

    public ItemEvent? Last => Events.Count == 0 ? null : Events[^1];
}

/// <summary>An item in a listing: where it is and in which state.</summary>
internal sealed record ItemSummary(string ItemId, string Origin, string Destination, string Status, string Office, DateTimeOffset Time);

/// <summary>What a store change does, decided on the item as it is inside the store's transaction.</summary>
internal sealed record StoreChange<TOutcome>(TOutcome Outcome, string? CreateDestination = null, ItemEvent? Append = null);

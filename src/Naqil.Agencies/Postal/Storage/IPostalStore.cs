namespace Naqil.Agencies.Postal.Storage;

/// <summary>What a publisher reads and marks: the events an agency queued for its gateway, durable (a post's, the payment service's).</summary>
internal interface IPublicationQueue
{
    /// <summary>The publications waiting for the gateway, in the order they were queued.</summary>
    Task<IReadOnlyList<Publication>> PendingPublicationsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Records one attempt to publish: its outcome and, when it did not succeed, why.</summary>
    Task UpdatePublicationAsync(long seq, PublicationState state, string? error, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>One post's items and their events, durable.</summary>
internal interface IPostalStore : IPublicationQueue, IDisposable
{
    /// <summary>Creates the schema, and refuses a database made for another post.</summary>
    Task InitializeAsync(string country, CancellationToken cancellationToken);

    Task<TrackedItem?> GetAsync(S10Id id, CancellationToken cancellationToken);

    /// <summary>Items whose last event was at <paramref name="office"/> (when given) and left them in <paramref name="status"/> (when given).</summary>
    Task<IReadOnlyList<ItemSummary>> ListAsync(string? office, string? status, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the item, lets <paramref name="decide"/> judge it, and writes what it decided, in one
    /// transaction that no other change runs beside: two events for one item never both pass a
    /// check made on the same last event.
    /// </summary>
    Task<TOutcome> ChangeAsync<TOutcome>(S10Id id, Func<TrackedItem?, StoreChange<TOutcome>> decide, CancellationToken cancellationToken);

    /// <summary>Publications in <paramref name="state"/> (when given), the latest first.</summary>
    Task<IReadOnlyList<Publication>> ListPublicationsAsync(PublicationState? state, int limit, CancellationToken cancellationToken);
}

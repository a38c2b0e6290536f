namespace Naqil.Gateway.Events;

/// <summary>
/// The subscriber's memory of what its backends acknowledged, in the message log's database
/// (table <c>inbox_events</c>): a delivery that carries an event again (the publisher did not get
/// the answer, or resent after a failure) is answered <c>duplicate</c> without calling the backend.
/// </summary>
internal interface IEventInbox
{
    /// <summary>Which of <paramref name="eventIds"/> were delivered to <paramref name="subscriber"/> already.</summary>
    Task<IReadOnlySet<string>> DeliveredAsync(string subscriber, IReadOnlyList<string> eventIds, CancellationToken cancellationToken);

    /// <summary>Forgets what was received before <paramref name="before"/>; returns how many records went.</summary>
    Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>Records events the backend acknowledged, in one transaction; one recorded before is kept.</summary>
    Task AddAsync(string subscriber, string topic, string deliveryId, IReadOnlyList<string> eventIds, DateTimeOffset received, CancellationToken cancellationToken);
}

using Naqil.Gateway.Events;
using Naqil.Gateway.Events.Subscriber.Steps;
using Naqil.Gateway.MessageLog;
using Naqil.Gateway.Storage;

namespace Naqil.Gateway.Tests.MessageLog;

/// <summary>The subscriber's event inbox kept in the message log's database, on each store.</summary>
public abstract partial class MessageLogStoreContract
{
    private static readonly DateTimeOffset Received = new(2026, 5, 4, 12, 0, 0, TimeSpan.Zero);

    private static IEventInbox Inbox(IMessageLogStore store) => new DbEventInbox((DbMessageLogStore)store);

    [Fact]
    public async Task Inbox_Delivered_IsTheSubsetRecordedForThatSubscriber()
    {
        var inbox = Inbox(Store);
        await inbox.AddAsync(A, Topic, "d1", ["e1", "e2"], Received, Ct);
        await inbox.AddAsync(B, Topic, "d2", ["e3", "e1"], Received, Ct);

        var ofA = await inbox.DeliveredAsync(A, ["e3", "e1", "e9", "e2"], Ct);
        var ofB = await inbox.DeliveredAsync(B, ["e1", "e2", "e3"], Ct);
        var ofC = await inbox.DeliveredAsync("SY/GOV/C/z", ["e1", "e2", "e3"], Ct);

        // B's record of e3 is not A's, nor A's of e2 B's; each recorded e1 for itself.
        Assert.Equal(["e1", "e2"], ofA.Order(StringComparer.Ordinal));
        Assert.Equal(["e1", "e3"], ofB.Order(StringComparer.Ordinal));
        Assert.Empty(ofC);
    }

    [Fact]
    public async Task Inbox_AddAgain_KeepsTheFirstRecord_AndStoresTheNewIdsOfTheSameCall()
    {
        var inbox = Inbox(Store);
        await inbox.AddAsync(A, Topic, "d1", ["e1", "e2"], Received, Ct);

        // e2 was recorded before, and e3 comes twice: neither is an error, and e3 is stored once.
        await inbox.AddAsync(A, Topic, "d2", ["e2", "e3", "e3"], Received.AddMinutes(5), Ct);

        Assert.Equal(["e1", "e2", "e3"], (await inbox.DeliveredAsync(A, ["e1", "e2", "e3"], Ct)).Order(StringComparer.Ordinal));
        Assert.Equal("d1", (string?)await ReadScalarAsync($"SELECT delivery_id FROM inbox_events WHERE event_id = 'e2' AND subscriber = '{A}'"));
        Assert.Equal(Received.ToUnixTimeMilliseconds(), (long?)await ReadScalarAsync($"SELECT received FROM inbox_events WHERE event_id = 'e2' AND subscriber = '{A}'"));
        Assert.Equal("d2", (string?)await ReadScalarAsync($"SELECT delivery_id FROM inbox_events WHERE event_id = 'e3' AND subscriber = '{A}'"));
        Assert.Equal(3L, Convert.ToInt64(await ReadScalarAsync("SELECT COUNT(*) FROM inbox_events"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Inbox_EmptyLists_AreNoOps()
    {
        var inbox = Inbox(Store);
        await inbox.AddAsync(A, Topic, "d1", ["e1"], Received, Ct);

        await inbox.AddAsync(A, Topic, "d2", [], Received, Ct);
        var delivered = await inbox.DeliveredAsync(A, [], Ct);

        Assert.Empty(delivered);
        Assert.Equal(1L, Convert.ToInt64(await ReadScalarAsync("SELECT COUNT(*) FROM inbox_events"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Inbox_AsManyIdsAsOneDeliveryMayCarry_AreRecordedAndLookedUpInOneCall()
    {
        var inbox = Inbox(Store);
        var ids = Enumerable.Range(0, ReadEventsStep.MaxEvents).Select(i => $"event-{i:D5}").ToList();
        var recorded = ids.Where((_, i) => i % 2 == 0).ToList();

        await inbox.AddAsync(A, Topic, "d1", recorded, Received, Ct);
        var delivered = await inbox.DeliveredAsync(A, ids, Ct);

        Assert.Equal(recorded, delivered.Order(StringComparer.Ordinal));
    }
}

using System.Text;
using Naqil.Gateway.Events;
using Naqil.Gateway.MessageLog;
using Naqil.Gateway.Storage;

namespace Naqil.Gateway.Tests.MessageLog;

/// <summary>The event outbox kept in the message log's database, on each store.</summary>
public abstract partial class MessageLogStoreContract
{
    private const string Topic = "SY/GOV/POST/ems/items";
    private const string OtherTopic = "SY/GOV/POST/ems/other";

    private static readonly DateTimeOffset Published = new(2026, 5, 4, 11, 0, 0, TimeSpan.Zero);

    private static OutboxEvent Event(string id, string body = "{\"item\":\"EE123456785SY\"}", string topic = Topic, int minutes = 0) =>
        new(id, topic, "SY/GOV/POST/ems", Encoding.UTF8.GetBytes(body), Published.AddMinutes(minutes));

    private static IEventOutbox Outbox(IMessageLogStore store) => new DbEventOutbox((DbMessageLogStore)store);

    [Fact]
    public async Task Outbox_Add_StoresTheEventAndOneDeliveryPerSubscriber_ListedInPublicationOrderByTopic()
    {
        var outbox = Outbox(Store);

        var second = await outbox.AddAsync(Event("e2", minutes: 1), ["SY/GOV/A/x", "IQ/GOV/B/y"], Ct);
        var first = await outbox.AddAsync(Event("e1"), ["SY/GOV/A/x"], Ct);
        var other = await outbox.AddAsync(Event("e3", topic: OtherTopic), ["SY/GOV/C/z"], Ct);
        var none = await outbox.AddAsync(Event("e4"), [], Ct);

        Assert.Equal([OutboxWrite.Stored, OutboxWrite.Stored, OutboxWrite.Stored, OutboxWrite.Stored], [second, first, other, none]);
        var stored = await outbox.FindAsync("e2", Ct);
        Assert.Equal(Event("e2", minutes: 1) with { Body = stored!.Body }, stored);
        Assert.Equal(Event("e2").Body, stored.Body);
        // In the order stored (publication order), not by the times the events carry.
        var pending = await outbox.PendingAsync(Topic, 100, Ct);
        Assert.Equal(
            [new PendingDelivery("e2", Topic, "IQ/GOV/B/y", 0, Published.AddMinutes(1)), new PendingDelivery("e2", Topic, "SY/GOV/A/x", 0, Published.AddMinutes(1)), new PendingDelivery("e1", Topic, "SY/GOV/A/x", 0, Published)],
            pending);
        Assert.Equal(4, (await outbox.PendingAsync(null, 100, Ct)).Count);
        Assert.Equal(2, (await outbox.PendingAsync(null, 2, Ct)).Count);
        Assert.Null(await outbox.FindAsync("e5", Ct));
    }

    [Fact]
    public async Task Outbox_SameIdAgain_SameBodyIsADuplicate_OtherBodyAConflict_AndNothingIsWritten()
    {
        var outbox = Outbox(Store);
        await outbox.AddAsync(Event("e1"), ["SY/GOV/A/x"], Ct);

        var duplicate = await outbox.AddAsync(Event("e1", minutes: 5), ["SY/GOV/A/x", "SY/GOV/B/y"], Ct);
        var conflict = await outbox.AddAsync(Event("e1", body: "{\"item\":\"other\"}"), ["SY/GOV/B/y"], Ct);

        Assert.Equal((OutboxWrite.Duplicate, OutboxWrite.Conflict), (duplicate, conflict));
        Assert.Equal(Event("e1").Body, (await outbox.FindAsync("e1", Ct))!.Body);
        Assert.Equal(Published, (await outbox.FindAsync("e1", Ct))!.Published);
        Assert.Equal("SY/GOV/A/x", Assert.Single(await outbox.PendingAsync(null, 100, Ct)).Subscriber);
    }

    [Fact]
    public async Task Outbox_ConcurrentAddsOfOneId_StoreOneEvent()
    {
        var outbox = Outbox(Store);

        var writes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => outbox.AddAsync(Event("e1"), ["SY/GOV/A/x"], Ct), Ct)));

        Assert.Equal(1, writes.Count(w => w == OutboxWrite.Stored));
        Assert.Equal(7, writes.Count(w => w == OutboxWrite.Duplicate));
        Assert.Single(await outbox.PendingAsync(null, 100, Ct));
    }

    [Fact]
    public async Task Outbox_Remove_TakesTheEventAndItsDeliveries_OthersStay()
    {
        var outbox = Outbox(Store);
        await outbox.AddAsync(Event("e1"), ["SY/GOV/A/x", "SY/GOV/B/y"], Ct);
        await outbox.AddAsync(Event("e2"), ["SY/GOV/A/x"], Ct);

        var removed = await outbox.RemoveAsync("e1", Ct);
        var again = await outbox.RemoveAsync("e1", Ct);

        Assert.Equal((true, false), (removed, again));
        Assert.Null(await outbox.FindAsync("e1", Ct));
        Assert.Equal("e2", Assert.Single(await outbox.PendingAsync(null, 100, Ct)).EventId);
        Assert.Equal(OutboxWrite.Stored, await outbox.AddAsync(Event("e1", body: "{}"), [], Ct));
    }

    [Fact]
    public async Task Outbox_Reopen_KeepsEventsAndDeliveries()
    {
        await Outbox(Store).AddAsync(Event("e1"), ["SY/GOV/A/x"], Ct);

        using var reopened = await OpenAsync();

        Assert.Equal(Event("e1").Body, (await Outbox(reopened).FindAsync("e1", Ct))!.Body);
        Assert.Single(await Outbox(reopened).PendingAsync(Topic, 100, Ct));
    }
}

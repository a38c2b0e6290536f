using Naqil.Gateway.Events;

namespace Naqil.Gateway.Tests.MessageLog;

/// <summary>What the outbox and inbox forget after their retention, on each store.</summary>
public abstract partial class MessageLogStoreContract
{
    [Fact]
    public async Task Outbox_Prune_ForgetsOnlyDeliveriesDeliveredBefore_AndEventsNoDeliveryRefersTo()
    {
        var outbox = Outbox(Store);
        await outbox.AddAsync(Event("old-delivered"), [A], Ct);
        await outbox.AddAsync(Event("old-half"), [A, B], Ct);
        await outbox.AddAsync(Event("old-dead"), [A], Ct);
        await outbox.AddAsync(Event("old-pending"), [B], Ct);
        await outbox.AddAsync(Event("recent", minutes: 120), [A], Ct);
        var toA = await outbox.NextAsync(new Subscription(Topic, A), 10, Ct);
        var seq = toA.ToDictionary(q => q.Event.Id, q => q.Seq);
        var early = Published.AddMinutes(10);
        var late = Published.AddMinutes(130);
        await outbox.RecordAsync(new Subscription(Topic, A),
        [
            new DeliveryRecord(seq["old-delivered"], DeliveryState.Delivered, 1, early, null, "d1", early),
            new DeliveryRecord(seq["old-half"], DeliveryState.Delivered, 1, early, null, "d1", early),
            new DeliveryRecord(seq["old-dead"], DeliveryState.Dead, 3, early, "refused", null, early),
            new DeliveryRecord(seq["recent"], DeliveryState.Delivered, 1, late, null, "d2", late),
        ], Ct);

        var (deliveries, events) = await outbox.PruneAsync(Published.AddMinutes(60), Ct);

        // Two delivered before the cut go; only the event whose every delivery went goes with them.
        Assert.Equal((2, 1), (deliveries, events));
        Assert.Null(await outbox.FindAsync("old-delivered", Ct));
        Assert.NotNull(await outbox.FindAsync("old-half", Ct));
        Assert.NotNull(await outbox.FindAsync("old-dead", Ct));
        Assert.NotNull(await outbox.FindAsync("recent", Ct));
        Assert.Equal(["old-half", "old-pending"], (await outbox.PendingAsync(null, 10, Ct)).Select(p => p.EventId));
        Assert.Equal("old-dead", Assert.Single(await outbox.DeadLettersAsync(null, null, 10, Ct)).EventId);
        var ofA = Assert.Single(await outbox.SubscriptionsAsync(Ct), s => s.Subscription.Subscriber == A);
        Assert.Equal((0L, 1L, 1L), (ofA.Pending, ofA.Dead, ofA.Delivered));
    }

    [Fact]
    public async Task Inbox_Prune_ForgetsWhatWasReceivedBefore_OnlyThat()
    {
        var inbox = Inbox(Store);
        await inbox.AddAsync(A, Topic, "d1", ["e1", "e2"], Received, Ct);
        await inbox.AddAsync(B, Topic, "d2", ["e1"], Received.AddHours(2), Ct);

        var removed = await inbox.PruneAsync(Received.AddHours(1), Ct);

        Assert.Equal(2, removed);
        Assert.Empty(await inbox.DeliveredAsync(A, ["e1", "e2"], Ct));
        Assert.Equal(["e1"], await inbox.DeliveredAsync(B, ["e1"], Ct));
    }
}

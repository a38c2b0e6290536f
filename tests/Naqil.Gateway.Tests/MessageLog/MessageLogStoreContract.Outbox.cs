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

    // Two subscribers; B's name sorts before A's (ordinal), so orders by subscriber show.
    private const string A = "SY/GOV/A/x";
    private const string B = "IQ/GOV/B/y";

    private static readonly Subscription ItemsToA = new(Topic, A);
    private static readonly Subscription ItemsToB = new(Topic, B);
    private static readonly Subscription OtherToA = new(OtherTopic, A);

    private static readonly DateTimeOffset Published = new(2026, 5, 4, 11, 0, 0, TimeSpan.Zero);

    private static OutboxEvent Event(string id, string body = "{\"item\":\"EE123456785SY\"}", string topic = Topic, int minutes = 0, string? purpose = null) =>
        new(id, topic, "SY/GOV/POST/ems", Encoding.UTF8.GetBytes(body), Published.AddMinutes(minutes), purpose);

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
    public async Task Outbox_Remove_TakesTheEventAndItsDeliveriesInEveryState_OthersStay()
    {
        var outbox = Outbox(Store);
        await outbox.AddAsync(Event("e1"), [A, B, "SY/GOV/C/z"], Ct);
        await outbox.AddAsync(Event("e2"), [A], Ct);
        var e1 = (await SeqsAsync(outbox, ItemsToA))["e1"];
        await outbox.RecordAsync(ItemsToA, [DeliveredRecord(e1, Published.AddMinutes(1))], Ct);
        await outbox.RecordAsync(ItemsToB, [DeadRecord(e1, Published.AddMinutes(1), "refused")], Ct);

        var removed = await outbox.RemoveAsync("e1", Ct);
        var again = await outbox.RemoveAsync("e1", Ct);

        Assert.Equal((true, false), (removed, again));
        Assert.Null(await outbox.FindAsync("e1", Ct));
        Assert.Equal("e2", Assert.Single(await outbox.PendingAsync(null, 100, Ct)).EventId);
        // The delivered and dead deliveries went with it: no subscription counts them any more.
        Assert.Equal([new SubscriptionState(ItemsToA, 1, 0, 0, Published, Published, 0, null, null)], await outbox.SubscriptionsAsync(Ct));
        Assert.Empty(await outbox.DeadLettersAsync(null, null, 100, Ct));
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

    [Fact]
    public async Task Outbox_Next_GivesOneSubscriptionsPendingDeliveries_InPublicationOrder_WithTheirEvents_UpToTheLimit()
    {
        var outbox = Outbox(Store);
        var e2 = Event("e2", minutes: 1, purpose: "audit");
        var e1 = Event("e1", body: "{\"item\":\"first\"}");
        var e4 = Event("e4", minutes: 2);
        var e6 = Event("e6", minutes: 4);
        await outbox.AddAsync(e2, [A, B], Ct);
        await outbox.AddAsync(e1, [A], Ct);
        await outbox.AddAsync(Event("e3", topic: OtherTopic), [A], Ct);
        await outbox.AddAsync(e4, [A, B], Ct);
        await outbox.AddAsync(Event("e5", minutes: 3), [B], Ct);
        await outbox.AddAsync(e6, [A], Ct);

        var ofA = await outbox.NextAsync(ItemsToA, 100, Ct);
        var firstTwo = await outbox.NextAsync(ItemsToA, 2, Ct);
        var ofB = await outbox.NextAsync(ItemsToB, 100, Ct);
        var ofOther = await outbox.NextAsync(OtherToA, 100, Ct);

        // Numbered in the order stored, one number per event whatever the subscription.
        var seq = ofA.Concat(ofB).Concat(ofOther).DistinctBy(q => q.Event.Id).ToDictionary(q => q.Event.Id, q => q.Seq);
        Assert.Equal(["e2", "e1", "e3", "e4", "e5", "e6"], seq.OrderBy(s => s.Value).Select(s => s.Key));
        Assert.Equal(seq.Count, seq.Values.Distinct().Count());
        Assert.Equal(seq["e2"], ofB[0].Seq);
        // Each event as it was published (body, purpose, publisher, time), not yet tried, due at its publication.
        Assert.Equal([Queued(seq["e2"], e2), Queued(seq["e1"], e1), Queued(seq["e4"], e4), Queued(seq["e6"], e6)], ofA.Select(Shown));
        Assert.Equal(["e2", "e1"], firstTwo.Select(q => q.Event.Id));
        Assert.Equal(["e2", "e4", "e5"], ofB.Select(q => q.Event.Id));
        Assert.Equal(["e3"], ofOther.Select(q => q.Event.Id));
        Assert.Empty(await outbox.NextAsync(new Subscription(Topic, "SY/GOV/C/z"), 100, Ct));
    }

    [Fact]
    public async Task Outbox_Next_LeavesOutDeliveredAndDeadOnes_AndShowsARetrysAttemptsAndNextAttempt()
    {
        var outbox = Outbox(Store);
        foreach (var (id, minutes) in new[] { ("e1", 0), ("e2", 1), ("e3", 2), ("e4", 3) })
        {
            await outbox.AddAsync(Event(id, minutes: minutes), [A, B], Ct);
        }

        var seq = await SeqsAsync(outbox, ItemsToA);
        await outbox.RecordAsync(ItemsToA, [DeliveredRecord(seq["e1"], Published.AddMinutes(5)), DeadRecord(seq["e3"], Published.AddMinutes(5), "refused")], Ct);
        await outbox.RecordAsync(ItemsToA, [RetryRecord(seq["e2"], 3, Published.AddMinutes(20), "timeout")], Ct);

        var ofA = await outbox.NextAsync(ItemsToA, 100, Ct);
        var ofB = await outbox.NextAsync(ItemsToB, 100, Ct);

        Assert.Equal([Queued(seq["e2"], Event("e2", minutes: 1), 3, Published.AddMinutes(20)), Queued(seq["e4"], Event("e4", minutes: 3))], ofA.Select(Shown));
        // The other subscription of the same events is its own lane: untouched.
        Assert.Equal([("e1", 0), ("e2", 0), ("e3", 0), ("e4", 0)], ofB.Select(q => (q.Event.Id, q.Attempts)));
    }

    [Fact]
    public async Task Outbox_ConcurrentAddsOfDifferentIds_TakeDistinctNumbersInTheOrderStored_AndNextReturnsEveryOneInThatOrder()
    {
        var outbox = Outbox(Store);
        const int writers = 8;
        const int perWriter = 25;

        var writes = await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var results = new List<OutboxWrite>();
            for (var i = 0; i < perWriter; i++)
            {
                results.Add(await outbox.AddAsync(Event($"w{w}-{i:D2}"), [A], Ct));
            }

            return results;
        }, Ct)));

        var next = await outbox.NextAsync(ItemsToA, 1000, Ct);
        var firstPage = await outbox.NextAsync(ItemsToA, 50, Ct);
        var pending = await outbox.PendingAsync(Topic, 1000, Ct);

        Assert.All(writes.SelectMany(w => w), w => Assert.Equal(OutboxWrite.Stored, w));
        var seqs = next.Select(q => q.Seq).ToList();
        Assert.Equal(writers * perWriter, seqs.Distinct().Count());
        Assert.Equal(seqs.Order(), seqs);
        Assert.Equal(Enumerable.Range(0, writers).SelectMany(w => Enumerable.Range(0, perWriter).Select(i => $"w{w}-{i:D2}")).Order(StringComparer.Ordinal), next.Select(q => q.Event.Id).Order(StringComparer.Ordinal));
        // Each writer stored its events one after the other, so their numbers keep that order.
        for (var w = 0; w < writers; w++)
        {
            var prefix = $"w{w}-";
            Assert.Equal(Enumerable.Range(0, perWriter).Select(i => $"{prefix}{i:D2}"), next.Select(q => q.Event.Id).Where(id => id.StartsWith(prefix, StringComparison.Ordinal)));
        }

        Assert.Equal(seqs.Take(50), firstPage.Select(q => q.Seq));
        Assert.Equal(next.Select(q => q.Event.Id), pending.Select(p => p.EventId));
    }

    [Fact]
    public async Task Outbox_Due_ListsEachSubscriptionWithPendingWork_AtItsOldestPendingDeliverysNextAttempt()
    {
        var outbox = Outbox(Store);
        await outbox.AddAsync(Event("e1"), [A, B, "SY/GOV/C/z"], Ct);
        await outbox.AddAsync(Event("e2", minutes: 5), [A, B], Ct);
        await outbox.AddAsync(Event("e3", topic: OtherTopic, minutes: 6), [A], Ct);
        var seq = await SeqsAsync(outbox, ItemsToA);
        // A's head is retried later than its second delivery was due: the head's time is the one that counts.
        await outbox.RecordAsync(ItemsToA, [RetryRecord(seq["e1"], 1, Published.AddMinutes(10), "timeout")], Ct);
        // B's head went through: its next pending delivery is the head now.
        await outbox.RecordAsync(ItemsToB, [DeliveredRecord(seq["e1"], Published.AddMinutes(1))], Ct);
        // C has nothing left, and A's lane on the other topic only a dead letter.
        await outbox.RecordAsync(new Subscription(Topic, "SY/GOV/C/z"), [DeliveredRecord(seq["e1"], Published.AddMinutes(1))], Ct);
        await outbox.RecordAsync(OtherToA, [DeadRecord((await SeqsAsync(outbox, OtherToA))["e3"], Published.AddMinutes(7), "refused")], Ct);

        var due = await outbox.DueAsync(Ct);

        Assert.Equal(
            [new DueSubscription(ItemsToB, Published.AddMinutes(5)), new DueSubscription(ItemsToA, Published.AddMinutes(10))],
            due.OrderBy(d => d.Subscription.Subscriber, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Outbox_Record_ChangesExactlyTheNamedPendingDeliveriesOfThatSubscription()
    {
        var outbox = Outbox(Store);
        foreach (var (id, minutes) in new[] { ("e1", 0), ("e2", 1), ("e3", 2), ("e4", 3) })
        {
            await outbox.AddAsync(Event(id, minutes: minutes), [A, B], Ct);
        }

        var seq = await SeqsAsync(outbox, ItemsToA);
        var done = Published.AddMinutes(30);

        await outbox.RecordAsync(ItemsToA,
        [
            DeliveredRecord(seq["e1"], done),
            new DeliveryRecord(seq["e2"], DeliveryState.Dead, 5, done, "refused", null, done),
            RetryRecord(seq["e3"], 2, Published.AddMinutes(40), "timeout"),
        ], Ct);
        // A lane without these deliveries: nothing to change.
        await outbox.RecordAsync(OtherToA, [DeliveredRecord(seq["e4"], done)], Ct);

        Assert.Equal([Queued(seq["e3"], Event("e3", minutes: 2), 2, Published.AddMinutes(40)), Queued(seq["e4"], Event("e4", minutes: 3))], (await outbox.NextAsync(ItemsToA, 100, Ct)).Select(Shown));
        Assert.Equal([new DeadLetter("e2", Topic, A, Published.AddMinutes(1), 5, "refused", done)], await outbox.DeadLettersAsync(null, null, 100, Ct));
        Assert.Equal(
            [
                new SubscriptionState(ItemsToB, 4, 0, 0, Published, Published, 0, null, null),
                new SubscriptionState(ItemsToA, 2, 1, 1, Published.AddMinutes(2), Published.AddMinutes(40), 2, "timeout", done),
            ],
            await outbox.SubscriptionsAsync(Ct));
    }

    [Fact]
    public async Task Outbox_Record_OfADeliveryNoLongerPending_ChangesNothing()
    {
        var outbox = Outbox(Store);
        await outbox.AddAsync(Event("e1"), [A], Ct);
        await outbox.AddAsync(Event("e2", minutes: 1), [A], Ct);
        var seq = await SeqsAsync(outbox, ItemsToA);
        var done = Published.AddMinutes(30);
        await outbox.RecordAsync(ItemsToA, [DeliveredRecord(seq["e1"], done), DeadRecord(seq["e2"], done, "refused")], Ct);

        var later = done.AddMinutes(30);
        await outbox.RecordAsync(ItemsToA, [RetryRecord(seq["e1"], 7, later, "timeout"), DeliveredRecord(seq["e2"], later)], Ct);
        await outbox.RecordAsync(ItemsToA, [DeadRecord(seq["e1"], later, "late")], Ct);

        Assert.Empty(await outbox.NextAsync(ItemsToA, 100, Ct));
        Assert.Equal([new DeadLetter("e2", Topic, A, Published.AddMinutes(1), 5, "refused", done)], await outbox.DeadLettersAsync(null, null, 100, Ct));
        Assert.Equal([new SubscriptionState(ItemsToA, 0, 1, 1, null, null, 0, null, done)], await outbox.SubscriptionsAsync(Ct));
    }

    [Fact]
    public async Task Outbox_Record_FailingPartWay_ChangesNone()
    {
        var outbox = Outbox(Store);
        await outbox.AddAsync(Event("e1"), [A], Ct);
        await outbox.AddAsync(Event("e2", minutes: 1), [A], Ct);
        var seq = await SeqsAsync(outbox, ItemsToA);

        // The second record cannot be written (no such state) after the first one was.
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => outbox.RecordAsync(ItemsToA,
            [DeliveredRecord(seq["e1"], Published.AddMinutes(5)), new DeliveryRecord(seq["e2"], (DeliveryState)99, 1, Published, null, null, null)], Ct));

        Assert.Equal([("e1", 0), ("e2", 0)], (await outbox.NextAsync(ItemsToA, 100, Ct)).Select(q => (q.Event.Id, q.Attempts)));
        Assert.Equal(0, Assert.Single(await outbox.SubscriptionsAsync(Ct)).Delivered);
    }

    [Fact]
    public async Task Outbox_Subscriptions_CountEachStateAndDescribeTheHead_PerSubscription()
    {
        var outbox = Outbox(Store);
        for (var i = 1; i <= 5; i++)
        {
            await outbox.AddAsync(Event($"e{i}", minutes: i), [A], Ct);
        }

        await outbox.AddAsync(Event("b1", minutes: 6), [B], Ct);
        await outbox.AddAsync(Event("o1", topic: OtherTopic, minutes: 7), [A], Ct);
        var seq = await SeqsAsync(outbox, ItemsToA);
        // e1 was delivered after e2 (a later batch's answer came first): the last delivery is e1's.
        await outbox.RecordAsync(ItemsToA,
        [
            DeliveredRecord(seq["e1"], Published.AddMinutes(30)),
            DeliveredRecord(seq["e2"], Published.AddMinutes(20)),
            DeadRecord(seq["e3"], Published.AddMinutes(21), "refused"),
            RetryRecord(seq["e4"], 2, Published.AddMinutes(40), "timeout"),
        ], Ct);
        await outbox.RecordAsync(ItemsToB, [DeadRecord((await SeqsAsync(outbox, ItemsToB))["b1"], Published.AddMinutes(22), "gone")], Ct);

        var subscriptions = await outbox.SubscriptionsAsync(Ct);

        Assert.Equal(
            [
                // Only a dead letter: nothing waits, so no head (its error is the dead letter's, not a head's).
                new SubscriptionState(ItemsToB, 0, 1, 0, null, null, 0, null, null),
                new SubscriptionState(ItemsToA, 2, 1, 2, Published.AddMinutes(4), Published.AddMinutes(40), 2, "timeout", Published.AddMinutes(30)),
                new SubscriptionState(OtherToA, 1, 0, 0, Published.AddMinutes(7), Published.AddMinutes(7), 0, null, null),
            ],
            subscriptions);
    }

    /// <summary>The numbers of a subscription's pending deliveries, by event id.</summary>
    private static async Task<Dictionary<string, long>> SeqsAsync(IEventOutbox outbox, Subscription subscription) =>
        (await outbox.NextAsync(subscription, 1000, Ct)).ToDictionary(q => q.Event.Id, q => q.Seq);

    private static DeliveryRecord DeliveredRecord(long seq, DateTimeOffset at) => new(seq, DeliveryState.Delivered, 1, at, null, $"delivery-{seq}", at);

    private static DeliveryRecord DeadRecord(long seq, DateTimeOffset at, string error) => new(seq, DeliveryState.Dead, 5, at, error, null, at);

    private static DeliveryRecord RetryRecord(long seq, int attempts, DateTimeOffset next, string error) => new(seq, DeliveryState.Pending, attempts, next, error, null, null);

    /// <summary>A queued event as comparable values (the body as text).</summary>
    private static (long Seq, string Id, string Topic, string Publisher, string Body, DateTimeOffset Published, string? Purpose, int Attempts, DateTimeOffset NextAttempt) Shown(QueuedEvent queued) =>
        (queued.Seq, queued.Event.Id, queued.Event.Topic, queued.Event.Publisher, Encoding.UTF8.GetString(queued.Event.Body), queued.Event.Published, queued.Event.Purpose, queued.Attempts, queued.NextAttempt);

    private static (long, string, string, string, string, DateTimeOffset, string?, int, DateTimeOffset) Queued(long seq, OutboxEvent e, int attempts = 0, DateTimeOffset? next = null) =>
        (seq, e.Id, e.Topic, e.Publisher, Encoding.UTF8.GetString(e.Body), e.Published, e.Purpose, attempts, next ?? e.Published);
}

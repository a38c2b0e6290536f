using Naqil.Gateway.Events;

namespace Naqil.Gateway.Tests.MessageLog;

/// <summary>The event outbox's dead letters and their redelivery, on each store.</summary>
public abstract partial class MessageLogStoreContract
{
    [Fact]
    public async Task Outbox_DeadLetters_FilterByTopicAndSubscriber_OldestFirst_UpToTheLimit()
    {
        var outbox = await DeadLettersFixtureAsync();

        Assert.Equal(["e1 B", "e1 A", "e2 B", "e3 A", "o1 A"], Names(await outbox.DeadLettersAsync(null, null, 100, Ct)));
        Assert.Equal(["e1 B", "e1 A"], Names(await outbox.DeadLettersAsync(null, null, 2, Ct)));
        Assert.Equal(["e1 B", "e1 A", "e2 B", "e3 A"], Names(await outbox.DeadLettersAsync(Topic, null, 100, Ct)));
        Assert.Equal(["e1 A", "e3 A", "o1 A"], Names(await outbox.DeadLettersAsync(null, A, 100, Ct)));
        Assert.Equal(["e1 A", "e3 A"], Names(await outbox.DeadLettersAsync(Topic, A, 100, Ct)));
        Assert.Equal(["o1 A"], Names(await outbox.DeadLettersAsync(OtherTopic, null, 100, Ct)));
        Assert.Empty(await outbox.DeadLettersAsync(OtherTopic, B, 100, Ct));
        // Each with its own attempts, error and time of death.
        Assert.Equal(
            [new DeadLetter("e1", Topic, A, Published, 4, "refused e1 A", Published.AddMinutes(11)), new DeadLetter("e3", Topic, A, Published.AddMinutes(2), 6, "refused e3 A", Published.AddMinutes(13))],
            await outbox.DeadLettersAsync(Topic, A, 100, Ct));

        static IEnumerable<string> Names(IReadOnlyList<DeadLetter> letters) => letters.Select(l => $"{l.EventId} {(l.Subscriber == A ? "A" : "B")}");
    }

    [Theory]
    [InlineData(null, null, "e1", new[] { "e1 B", "e1 A" })]
    [InlineData(Topic, A, null, new[] { "e1 A", "e3 A" })]
    [InlineData(Topic, null, null, new[] { "e1 B", "e1 A", "e2 B", "e3 A" })]
    [InlineData(null, A, null, new[] { "e1 A", "e3 A", "o1 A" })]
    [InlineData(Topic, B, "e1", new[] { "e1 B" })]
    [InlineData(null, null, null, new[] { "e1 B", "e1 A", "e2 B", "e3 A", "o1 A" })]
    [InlineData(null, null, "e2-pending", new string[0])]
    public async Task Outbox_Redeliver_PutsOnlyTheMatchingDeadLettersBackToPending_AndCountsThem(string? topic, string? subscriber, string? eventId, string[] redelivered)
    {
        var outbox = await DeadLettersFixtureAsync();
        var before = await outbox.DeadLettersAsync(null, null, 100, Ct);
        var pendingBefore = await AllQueuedAsync(outbox);
        var now = Published.AddHours(2);

        var count = await outbox.RedeliverAsync(topic, subscriber, eventId, now, Ct);
        var again = await outbox.RedeliverAsync(topic, subscriber, eventId, now.AddMinutes(1), Ct);

        Assert.Equal((redelivered.Length, 0), (count, again));
        Assert.Equal(before.Where(l => !redelivered.Contains(Name(l.EventId, l.Subscriber))), await outbox.DeadLettersAsync(null, null, 100, Ct));
        // Back in its lane, from scratch and due now; what was pending stays as it was.
        var pending = await AllQueuedAsync(outbox);
        Assert.Equal(
            pendingBefore.Concat(redelivered.Select(r => (r, 0, now))).Order(),
            pending.Order());
        // Delivered ones are never touched.
        Assert.Equal([0, 1, 0], (await outbox.SubscriptionsAsync(Ct)).Select(s => (int)s.Delivered));

        static string Name(string eventId, string subscriber) => $"{eventId} {(subscriber == A ? "A" : "B")}";

        static async Task<List<(string, int, DateTimeOffset)>> AllQueuedAsync(IEventOutbox outbox)
        {
            var all = new List<(string, int, DateTimeOffset)>();
            foreach (var subscription in new[] { ItemsToA, ItemsToB, OtherToA })
            {
                all.AddRange((await outbox.NextAsync(subscription, 100, Ct)).Select(q => (Name(q.Event.Id, subscription.Subscriber), q.Attempts, q.NextAttempt)));
            }

            return all;
        }
    }

    /// <summary>
    /// Dead letters e1 (A and B), e2 (B), e3 (A) on <see cref="Topic"/> and o1 (A) on <see cref="OtherTopic"/>;
    /// e2 delivered to A (B's subscriptions sort first); e2-pending waiting for A after 3 attempts.
    /// </summary>
    private async Task<IEventOutbox> DeadLettersFixtureAsync()
    {
        var outbox = Outbox(Store);
        await outbox.AddAsync(Event("e1"), [A, B], Ct);
        await outbox.AddAsync(Event("e2", minutes: 1), [A, B], Ct);
        await outbox.AddAsync(Event("e3", minutes: 2), [A], Ct);
        await outbox.AddAsync(Event("e2-pending", minutes: 3), [A], Ct);
        await outbox.AddAsync(Event("o1", topic: OtherTopic, minutes: 4), [A], Ct);
        var ofA = await SeqsAsync(outbox, ItemsToA);
        var ofB = await SeqsAsync(outbox, ItemsToB);
        await outbox.RecordAsync(ItemsToA,
        [
            new DeliveryRecord(ofA["e1"], DeliveryState.Dead, 4, Published, "refused e1 A", null, Published.AddMinutes(11)),
            DeliveredRecord(ofA["e2"], Published.AddMinutes(12)),
            new DeliveryRecord(ofA["e3"], DeliveryState.Dead, 6, Published, "refused e3 A", null, Published.AddMinutes(13)),
            RetryRecord(ofA["e2-pending"], 3, Published.AddMinutes(50), "timeout"),
        ], Ct);
        await outbox.RecordAsync(ItemsToB, [DeadRecord(ofB["e1"], Published.AddMinutes(14), "refused e1 B"), DeadRecord(ofB["e2"], Published.AddMinutes(15), "refused e2 B")], Ct);
        await outbox.RecordAsync(OtherToA, [DeadRecord((await SeqsAsync(outbox, OtherToA))["o1"], Published.AddMinutes(16), "refused o1 A")], Ct);
        return outbox;
    }
}

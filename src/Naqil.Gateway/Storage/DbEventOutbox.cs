using System.Data.Common;
using System.Security.Cryptography;
using System.Threading.Channels;
using Naqil.Gateway.Events;
using static Naqil.Gateway.Storage.DbCommands;

namespace Naqil.Gateway.Storage;

/// <summary>
/// The event outbox in the message log's database (tables <c>outbox_events</c>,
/// <c>outbox_deliveries</c> and the counter <c>outbox_state</c>, created with the log's schema),
/// with the same SQL on SQLite and PostgreSQL. Each event takes the next number from the counter
/// in its own transaction: the counter's row stays locked until the commit, so numbers follow the
/// order in which events became durable, which is the order each subscription receives them in.
/// </summary>
internal sealed class DbEventOutbox(DbMessageLogStore store) : IEventOutbox, IDisposable
{
    private const string Pending = "pending";
    private const string Delivered = "delivered";
    private const string Dead = "dead";

    /// <summary>Most events stored in one transaction.</summary>
    private const int MaxGroup = 256;

    private readonly Channel<PendingAdd> _adds = Channel.CreateUnbounded<PendingAdd>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private Task? _writer;

    /// <summary>
    /// Stores the event, with the events other requests are storing at the same moment, in one
    /// transaction (group commit, as the message log's writer does): one durable write for a
    /// group instead of one each. Each caller's answer comes once that transaction committed.
    /// </summary>
    public Task<OutboxWrite> AddAsync(OutboxEvent outboxEvent, IReadOnlyList<string> subscribers, CancellationToken cancellationToken)
    {
        var add = new PendingAdd(outboxEvent, subscribers, new TaskCompletionSource<OutboxWrite>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_gate)
        {
            _writer ??= Task.Run(WriteGroupsAsync, CancellationToken.None);
        }

        if (!_adds.Writer.TryWrite(add))
        {
            throw new ObjectDisposedException(nameof(DbEventOutbox));
        }

        // A caller that goes away does not take its event back: it may be stored, unacknowledged, as before.
        return add.Completion.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteGroupsAsync()
    {
        var group = new List<PendingAdd>(MaxGroup);
        while (await _adds.Reader.WaitToReadAsync())
        {
            while (group.Count < MaxGroup && _adds.Reader.TryRead(out var add))
            {
                group.Add(add);
            }

            try
            {
                var results = await StoreAsync(group);
                for (var i = 0; i < group.Count; i++)
                {
                    group[i].Completion.TrySetResult(results[i]);
                }
            }
            catch (Exception e)
            {
                // The whole group was rolled back: every caller hears why (DbException: log-unavailable).
                foreach (var add in group)
                {
                    add.Completion.TrySetException(e);
                }
            }

            group.Clear();
        }
    }

    private async Task<OutboxWrite[]> StoreAsync(List<PendingAdd> group)
    {
        var results = new OutboxWrite[group.Count];
        await using var connection = await store.OpenAsync(CancellationToken.None);
        await using var transaction = await store.BeginWriteAsync(connection, CancellationToken.None);
        for (var i = 0; i < group.Count; i++)
        {
            results[i] = await AddOneAsync(connection, transaction, group[i].Event, group[i].Subscribers);
        }

        await transaction.CommitAsync(CancellationToken.None);
        return results;
    }

    /// <summary>One event within the group's transaction; an id stored before (or earlier in the group) is found by the look or by the insert.</summary>
    private static async Task<OutboxWrite> AddOneAsync(DbConnection connection, DbTransaction transaction, OutboxEvent outboxEvent, IReadOnlyList<string> subscribers)
    {
        var cancellationToken = CancellationToken.None;
        var digest = SHA256.HashData(outboxEvent.Body);
        var published = outboxEvent.Published.ToUnixTimeMilliseconds();
        var existing = await StoredDigestAsync(connection, transaction, outboxEvent.Id, cancellationToken);
        if (existing is not null)
        {
            return Compare(existing, digest);
        }

        long seq;
        await using (var next = Command(connection, transaction, "UPDATE outbox_state SET seq = seq + 1 WHERE id = 1 RETURNING seq"))
        {
            seq = Convert.ToInt64(await next.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }

        int inserted;
        await using (var command = Command(connection, transaction,
            "INSERT INTO outbox_events (seq, id, topic, publisher, purpose, body, body_sha256, published) VALUES (@seq, @id, @topic, @publisher, @purpose, @body, @digest, @published) ON CONFLICT (id) DO NOTHING"))
        {
            Add(command, "seq", seq);
            Add(command, "id", outboxEvent.Id);
            Add(command, "topic", outboxEvent.Topic);
            Add(command, "publisher", outboxEvent.Publisher);
            AddText(command, "purpose", outboxEvent.Purpose);
            Add(command, "body", outboxEvent.Body);
            Add(command, "digest", digest);
            Add(command, "published", published);
            inserted = await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (inserted == 0)
        {
            // Another process stored this id between the look and the insert (PostgreSQL); the number taken stays unused.
            return Compare(await StoredDigestAsync(connection, transaction, outboxEvent.Id, cancellationToken), digest);
        }

        foreach (var subscriber in subscribers.Distinct(StringComparer.Ordinal))
        {
            await using var delivery = Command(connection, transaction,
                "INSERT INTO outbox_deliveries (topic, subscriber, seq, state, attempts, next_attempt) VALUES (@topic, @subscriber, @seq, 'pending', 0, @published)");
            Add(delivery, "topic", outboxEvent.Topic);
            Add(delivery, "subscriber", subscriber);
            Add(delivery, "seq", seq);
            Add(delivery, "published", published);
            await delivery.ExecuteNonQueryAsync(cancellationToken);
        }

        return OutboxWrite.Stored;
    }

    public void Dispose() => _adds.Writer.TryComplete();

    private static OutboxWrite Compare(byte[]? stored, byte[] digest) =>
        stored is not null && CryptographicOperations.FixedTimeEquals(stored, digest) ? OutboxWrite.Duplicate : OutboxWrite.Conflict;

    private static async Task<byte[]?> StoredDigestAsync(DbConnection connection, DbTransaction? transaction, string id, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT body_sha256 FROM outbox_events WHERE id = @id");
        Add(command, "id", id);
        return (byte[]?)await command.ExecuteScalarAsync(cancellationToken);
    }

    public async Task<bool> RemoveAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var transaction = await store.BeginWriteAsync(connection, cancellationToken);
        await using (var deliveries = Command(connection, transaction, "DELETE FROM outbox_deliveries WHERE seq IN (SELECT seq FROM outbox_events WHERE id = @id)"))
        {
            Add(deliveries, "id", eventId);
            await deliveries.ExecuteNonQueryAsync(cancellationToken);
        }

        int removed;
        await using (var events = Command(connection, transaction, "DELETE FROM outbox_events WHERE id = @id"))
        {
            Add(events, "id", eventId);
            removed = await events.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return removed > 0;
    }

    public async Task<OutboxEvent?> FindAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT id, topic, publisher, body, published, purpose FROM outbox_events WHERE id = @id");
        Add(command, "id", eventId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadEvent(reader, 0) : null;
    }

    public async Task<IReadOnlyList<PendingDelivery>> PendingAsync(string? topic, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "SELECT e.id, d.topic, d.subscriber, d.attempts, e.published FROM outbox_deliveries d JOIN outbox_events e ON e.seq = d.seq WHERE d.state = 'pending'"
            + (topic is null ? "" : " AND d.topic = @topic")
            + " ORDER BY d.seq, d.subscriber LIMIT @limit");
        if (topic is not null)
        {
            Add(command, "topic", topic);
        }

        Add(command, "limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<PendingDelivery>();
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new PendingDelivery(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), Time(reader, 4)));
        }

        return result;
    }

    public async Task<IReadOnlyList<DueSubscription>> DueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, """
            SELECT d.topic, d.subscriber, d.next_attempt FROM outbox_deliveries d
            JOIN (SELECT topic, subscriber, MIN(seq) AS head FROM outbox_deliveries WHERE state = 'pending' GROUP BY topic, subscriber) h
              ON h.topic = d.topic AND h.subscriber = d.subscriber AND h.head = d.seq
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<DueSubscription>();
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new DueSubscription(new Subscription(reader.GetString(0), reader.GetString(1)), Time(reader, 2)));
        }

        return result;
    }

    public async Task<IReadOnlyList<QueuedEvent>> NextAsync(Subscription subscription, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, """
            SELECT e.id, e.topic, e.publisher, e.body, e.published, e.purpose, d.seq, d.attempts, d.next_attempt FROM outbox_deliveries d
            JOIN outbox_events e ON e.seq = d.seq
            WHERE d.state = 'pending' AND d.topic = @topic AND d.subscriber = @subscriber ORDER BY d.seq LIMIT @limit
            """);
        Add(command, "topic", subscription.Topic);
        Add(command, "subscriber", subscription.Subscriber);
        Add(command, "limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<QueuedEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new QueuedEvent(reader.GetInt64(6), ReadEvent(reader, 0), reader.GetInt32(7), Time(reader, 8)));
        }

        return result;
    }

    public async Task RecordAsync(Subscription subscription, IReadOnlyList<DeliveryRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return;
        }

        await using var connection = await store.OpenAsync(cancellationToken);
        await using var transaction = await store.BeginWriteAsync(connection, cancellationToken);
        foreach (var record in records)
        {
            // Only a pending delivery changes: an operator's redelivery or a concurrent record never goes back.
            await using var command = Command(connection, transaction, """
                UPDATE outbox_deliveries SET state = @state, attempts = @attempts, next_attempt = @next, last_error = @error, delivery_id = @delivery, done = @done
                WHERE topic = @topic AND subscriber = @subscriber AND seq = @seq AND state = 'pending'
                """);
            Add(command, "state", StateText(record.State));
            Add(command, "attempts", record.Attempts);
            Add(command, "next", record.NextAttempt.ToUnixTimeMilliseconds());
            AddText(command, "error", record.Error);
            AddText(command, "delivery", record.DeliveryId);
            AddLong(command, "done", record.Done?.ToUnixTimeMilliseconds());
            Add(command, "topic", subscription.Topic);
            Add(command, "subscriber", subscription.Subscriber);
            Add(command, "seq", record.Seq);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<SubscriptionState>> SubscriptionsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        var states = new Dictionary<Subscription, SubscriptionState>();
        await using (var counts = Command(connection, null, """
            SELECT d.topic, d.subscriber,
                   SUM(CASE WHEN d.state = 'pending' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN d.state = 'dead' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN d.state = 'delivered' THEN 1 ELSE 0 END),
                   MAX(CASE WHEN d.state = 'delivered' THEN d.done END)
            FROM outbox_deliveries d GROUP BY d.topic, d.subscriber
            """))
        {
            await using var reader = await counts.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var subscription = new Subscription(reader.GetString(0), reader.GetString(1));
                states[subscription] = new SubscriptionState(subscription, reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), null, null, 0, null,
                    reader.IsDBNull(5) ? null : Time(reader, 5));
            }
        }

        await using (var heads = Command(connection, null, """
            SELECT d.topic, d.subscriber, e.published, d.next_attempt, d.attempts, d.last_error FROM outbox_deliveries d
            JOIN (SELECT topic, subscriber, MIN(seq) AS head FROM outbox_deliveries WHERE state = 'pending' GROUP BY topic, subscriber) h
              ON h.topic = d.topic AND h.subscriber = d.subscriber AND h.head = d.seq
            JOIN outbox_events e ON e.seq = d.seq
            """))
        {
            await using var reader = await heads.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var subscription = new Subscription(reader.GetString(0), reader.GetString(1));
                states[subscription] = states[subscription] with
                {
                    OldestPending = Time(reader, 2),
                    NextAttempt = Time(reader, 3),
                    HeadAttempts = reader.GetInt32(4),
                    LastError = reader.IsDBNull(5) ? null : reader.GetString(5),
                };
            }
        }

        return [.. states.Values.OrderBy(s => s.Subscription.Topic, StringComparer.Ordinal).ThenBy(s => s.Subscription.Subscriber, StringComparer.Ordinal)];
    }

    public async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync(string? topic, string? subscriber, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "SELECT e.id, d.topic, d.subscriber, e.published, d.attempts, d.last_error, d.done FROM outbox_deliveries d JOIN outbox_events e ON e.seq = d.seq WHERE d.state = 'dead'"
            + Filter(topic, subscriber, "d.") + " ORDER BY d.seq, d.subscriber LIMIT @limit");
        AddFilter(command, topic, subscriber);
        Add(command, "limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<DeadLetter>();
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new DeadLetter(reader.GetString(0), reader.GetString(1), reader.GetString(2), Time(reader, 3), reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : Time(reader, 6)));
        }

        return result;
    }

    public async Task<int> RedeliverAsync(string? topic, string? subscriber, string? eventId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var transaction = await store.BeginWriteAsync(connection, cancellationToken);
        await using var command = Command(connection, transaction,
            "UPDATE outbox_deliveries SET state = 'pending', attempts = 0, next_attempt = @now, done = NULL WHERE state = 'dead'"
            + Filter(topic, subscriber)
            + (eventId is null ? "" : " AND seq IN (SELECT seq FROM outbox_events WHERE id = @id)"));
        Add(command, "now", now.ToUnixTimeMilliseconds());
        AddFilter(command, topic, subscriber);
        if (eventId is not null)
        {
            Add(command, "id", eventId);
        }

        var count = await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return count;
    }

    public async Task<(int Deliveries, int Events)> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var at = before.ToUnixTimeMilliseconds();
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var transaction = await store.BeginWriteAsync(connection, cancellationToken);
        int deliveries;
        await using (var delivered = Command(connection, transaction, "DELETE FROM outbox_deliveries WHERE state = 'delivered' AND done < @before"))
        {
            Add(delivered, "before", at);
            deliveries = await delivered.ExecuteNonQueryAsync(cancellationToken);
        }

        int events;
        await using (var orphans = Command(connection, transaction,
            "DELETE FROM outbox_events WHERE published < @before AND NOT EXISTS (SELECT 1 FROM outbox_deliveries d WHERE d.seq = outbox_events.seq)"))
        {
            Add(orphans, "before", at);
            events = await orphans.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (deliveries, events);
    }

    private static string Filter(string? topic, string? subscriber, string alias = "") =>
        (topic is null ? "" : $" AND {alias}topic = @topic") + (subscriber is null ? "" : $" AND {alias}subscriber = @subscriber");

    private static void AddFilter(DbCommand command, string? topic, string? subscriber)
    {
        if (topic is not null)
        {
            Add(command, "topic", topic);
        }

        if (subscriber is not null)
        {
            Add(command, "subscriber", subscriber);
        }
    }

    private static string StateText(DeliveryState state) => state switch
    {
        DeliveryState.Pending => Pending,
        DeliveryState.Delivered => Delivered,
        DeliveryState.Dead => Dead,
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    private static OutboxEvent ReadEvent(DbDataReader reader, int at) =>
        new(reader.GetString(at), reader.GetString(at + 1), reader.GetString(at + 2), reader.GetFieldValue<byte[]>(at + 3), Time(reader, at + 4),
            reader.IsDBNull(at + 5) ? null : reader.GetString(at + 5));

    private static DateTimeOffset Time(DbDataReader reader, int ordinal) => DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    /// <summary>A text parameter that may be null (typed, so PostgreSQL knows the column's type).</summary>
    private static void AddText(DbCommand command, string name, string? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = System.Data.DbType.String;
        parameter.Value = (object?)value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    private static void AddLong(DbCommand command, string name, long? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = System.Data.DbType.Int64;
        parameter.Value = (object?)value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    private sealed record PendingAdd(OutboxEvent Event, IReadOnlyList<string> Subscribers, TaskCompletionSource<OutboxWrite> Completion);
}

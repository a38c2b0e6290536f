using System.Security.Cryptography;
using Naqil.Gateway.Events;
using static Naqil.Gateway.Storage.DbCommands;

namespace Naqil.Gateway.Storage;

/// <summary>
/// The event outbox in the message log's database (tables <c>event_outbox</c> and
/// <c>event_deliveries</c>, created with the log's schema), with the same SQL on SQLite and
/// PostgreSQL. An id stored already is found by the insert itself (<c>ON CONFLICT DO NOTHING</c>),
/// so two requests racing with one id store one event.
/// </summary>
internal sealed class DbEventOutbox(DbMessageLogStore store) : IEventOutbox
{
    public async Task<OutboxWrite> AddAsync(OutboxEvent outboxEvent, IReadOnlyList<string> subscribers, CancellationToken cancellationToken)
    {
        var digest = SHA256.HashData(outboxEvent.Body);
        var published = outboxEvent.Published.ToUnixTimeMilliseconds();
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var transaction = await store.BeginWriteAsync(connection, cancellationToken);
        int inserted;
        await using (var command = Command(connection, transaction,
            "INSERT INTO event_outbox (id, topic, publisher, body, body_sha256, published) VALUES (@id, @topic, @publisher, @body, @digest, @published) ON CONFLICT (id) DO NOTHING"))
        {
            Add(command, "id", outboxEvent.Id);
            Add(command, "topic", outboxEvent.Topic);
            Add(command, "publisher", outboxEvent.Publisher);
            Add(command, "body", outboxEvent.Body);
            Add(command, "digest", digest);
            Add(command, "published", published);
            inserted = await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (inserted == 0)
        {
            await using var existing = Command(connection, transaction, "SELECT body_sha256 FROM event_outbox WHERE id = @id");
            Add(existing, "id", outboxEvent.Id);
            var stored = (byte[]?)await existing.ExecuteScalarAsync(cancellationToken);
            await transaction.RollbackAsync(cancellationToken);
            return stored is not null && CryptographicOperations.FixedTimeEquals(stored, digest) ? OutboxWrite.Duplicate : OutboxWrite.Conflict;
        }

        foreach (var subscriber in subscribers)
        {
            await using var delivery = Command(connection, transaction,
                "INSERT INTO event_deliveries (event_id, subscriber, topic, attempts, created) VALUES (@id, @subscriber, @topic, 0, @created) ON CONFLICT (event_id, subscriber) DO NOTHING");
            Add(delivery, "id", outboxEvent.Id);
            Add(delivery, "subscriber", subscriber);
            Add(delivery, "topic", outboxEvent.Topic);
            Add(delivery, "created", published);
            await delivery.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return OutboxWrite.Stored;
    }

    public async Task<bool> RemoveAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var transaction = await store.BeginWriteAsync(connection, cancellationToken);
        await using (var deliveries = Command(connection, transaction, "DELETE FROM event_deliveries WHERE event_id = @id"))
        {
            Add(deliveries, "id", eventId);
            await deliveries.ExecuteNonQueryAsync(cancellationToken);
        }

        int removed;
        await using (var events = Command(connection, transaction, "DELETE FROM event_outbox WHERE id = @id"))
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
        await using var command = Command(connection, null, "SELECT id, topic, publisher, body, published FROM event_outbox WHERE id = @id");
        Add(command, "id", eventId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new OutboxEvent(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<byte[]>(3), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)))
            : null;
    }

    public async Task<IReadOnlyList<PendingDelivery>> PendingAsync(string? topic, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, topic is null
            ? "SELECT event_id, topic, subscriber, attempts, created FROM event_deliveries ORDER BY created, event_id, subscriber LIMIT @limit"
            : "SELECT event_id, topic, subscriber, attempts, created FROM event_deliveries WHERE topic = @topic ORDER BY created, event_id, subscriber LIMIT @limit");
        if (topic is not null)
        {
            Add(command, "topic", topic);
        }

        Add(command, "limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<PendingDelivery>();
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new PendingDelivery(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4))));
        }

        return result;
    }
}

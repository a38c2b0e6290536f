using System.Text;
using Naqil.Gateway.Events;
using static Naqil.Gateway.Storage.DbCommands;

namespace Naqil.Gateway.Storage;

/// <summary>The subscriber's inbox in the message log's database, the same SQL on SQLite and PostgreSQL.</summary>
internal sealed class DbEventInbox(DbMessageLogStore store) : IEventInbox
{
    public async Task<IReadOnlySet<string>> DeliveredAsync(string subscriber, IReadOnlyList<string> eventIds, CancellationToken cancellationToken)
    {
        var delivered = new HashSet<string>(StringComparer.Ordinal);
        if (eventIds.Count == 0)
        {
            return delivered;
        }

        await using var connection = await store.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "");
        var sql = new StringBuilder("SELECT event_id FROM inbox_events WHERE subscriber = @subscriber AND event_id IN (");
        for (var i = 0; i < eventIds.Count; i++)
        {
            sql.Append(i == 0 ? "@e" : ", @e").Append(i);
            Add(command, $"e{i}", eventIds[i]);
        }

        command.CommandText = sql.Append(')').ToString();
        Add(command, "subscriber", subscriber);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            delivered.Add(reader.GetString(0));
        }

        return delivered;
    }

    public async Task AddAsync(string subscriber, string topic, string deliveryId, IReadOnlyList<string> eventIds, DateTimeOffset received, CancellationToken cancellationToken)
    {
        if (eventIds.Count == 0)
        {
            return;
        }

        await using var connection = await store.OpenAsync(cancellationToken);
        await using var transaction = await store.BeginWriteAsync(connection, cancellationToken);
        foreach (var id in eventIds)
        {
            await using var command = Command(connection, transaction,
                "INSERT INTO inbox_events (event_id, subscriber, topic, delivery_id, received) VALUES (@id, @subscriber, @topic, @delivery, @received) ON CONFLICT (event_id, subscriber) DO NOTHING");
            Add(command, "id", id);
            Add(command, "subscriber", subscriber);
            Add(command, "topic", topic);
            Add(command, "delivery", deliveryId);
            Add(command, "received", received.ToUnixTimeMilliseconds());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var transaction = await store.BeginWriteAsync(connection, cancellationToken);
        await using var command = Command(connection, transaction, "DELETE FROM inbox_events WHERE received < @before");
        Add(command, "before", before.ToUnixTimeMilliseconds());
        var removed = await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return removed;
    }
}

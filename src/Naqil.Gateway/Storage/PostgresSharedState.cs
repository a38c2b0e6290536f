using Naqil.Gateway.AccessControl;
using Naqil.Gateway.ProviderFace;
using Npgsql;

namespace Naqil.Gateway.Storage;

/// <summary>
/// What the gateways of one member share in PostgreSQL (<c>Gateway:SharedStateConnectionString</c>):
/// the access rules, with a version every change moves in the same transaction, and the replay
/// window, one row per (signer, <c>Naqil-Id</c>) taken until its signature goes stale. Taking a
/// row is one statement: an insert that also takes over an expired row, and returns nothing when
/// a live row is there, so two gateways racing for one request cannot both win.
/// </summary>
internal sealed class PostgresSharedState : IAclStore, IReplayWindow, IDisposable
{
    private const string Schema = """
        SELECT pg_advisory_xact_lock(7268016515);
        CREATE TABLE IF NOT EXISTS naqil_acl (
            service     TEXT NOT NULL,
            client      TEXT NOT NULL,
            methods     TEXT NOT NULL,
            path_prefix TEXT NOT NULL,
            PRIMARY KEY (service, client, methods, path_prefix));
        CREATE TABLE IF NOT EXISTS naqil_acl_version (id INT PRIMARY KEY, version BIGINT NOT NULL);
        INSERT INTO naqil_acl_version (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
        CREATE TABLE IF NOT EXISTS naqil_replay (
            key_id     TEXT NOT NULL,
            naqil_id   UUID NOT NULL,
            expires_at BIGINT NOT NULL,
            PRIMARY KEY (key_id, naqil_id));
        CREATE INDEX IF NOT EXISTS naqil_replay_expires ON naqil_replay (expires_at);
        """;

    private const string BumpVersion = "UPDATE naqil_acl_version SET version = version + 1 WHERE id = 1";

    private readonly NpgsqlDataSource _dataSource;

    public PostgresSharedState(string connectionString)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
        using var connection = _dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        using (var command = new NpgsqlCommand(Schema, connection, transaction))
        {
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    public async Task<IReadOnlyList<AclRule>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT service, client, methods, path_prefix FROM naqil_acl ORDER BY service, client");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rules = new List<AclRule>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var methods = reader.GetString(2);
            rules.Add(new AclRule(reader.GetString(0), reader.GetString(1), methods.Length == 0 ? [] : methods.Split(','), reader.GetString(3)));
        }

        return rules;
    }

    public async Task UpsertAsync(AclRule rule, CancellationToken cancellationToken)
    {
        await using var batch = _dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO naqil_acl (service, client, methods, path_prefix) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
        {
            Parameters = { new() { Value = rule.Service }, new() { Value = rule.Client }, new() { Value = string.Join(',', rule.Methods.Order(StringComparer.Ordinal)) }, new() { Value = rule.PathPrefix } },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(BumpVersion));
        await batch.ExecuteNonQueryAsync(cancellationToken); // one implicit transaction
    }

    public async Task<int> DeleteAsync(string service, string client, CancellationToken cancellationToken)
    {
        await using var batch = _dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM naqil_acl WHERE service = $1 AND client = $2")
        {
            Parameters = { new() { Value = service }, new() { Value = client } },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(BumpVersion));
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return batch.BatchCommands[0].RecordsAffected;
    }

    public async Task<long> VersionAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT version FROM naqil_acl_version WHERE id = 1");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async ValueTask<bool> TryTakeAsync(string keyId, Guid naqilId, DateTimeOffset rememberUntil, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _dataSource.CreateCommand("""
                INSERT INTO naqil_replay (key_id, naqil_id, expires_at) VALUES ($1, $2, $3)
                ON CONFLICT (key_id, naqil_id) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE naqil_replay.expires_at < $4
                """);
            command.Parameters.Add(new() { Value = keyId });
            command.Parameters.Add(new() { Value = naqilId });
            command.Parameters.Add(new() { Value = rememberUntil.ToUnixTimeMilliseconds() });
            command.Parameters.Add(new() { Value = now.ToUnixTimeMilliseconds() });
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new InvalidOperationException($"the shared replay window cannot be reached: {e.Message}", e);
        }
    }

    /// <summary>Forgets rows whose signatures went stale before <paramref name="now"/>.</summary>
    public async Task<int> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("DELETE FROM naqil_replay WHERE expires_at < $1");
        command.Parameters.Add(new() { Value = now.ToUnixTimeMilliseconds() });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public void Dispose() => _dataSource.Dispose();
}

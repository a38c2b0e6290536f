using Microsoft.Data.Sqlite;
using Naqil.Gateway.AccessControl;

namespace Naqil.Gateway.Storage;

/// <summary>Access rules in the gateway's embedded SQLite database.</summary>
internal sealed class SqliteAclStore : IAclStore
{
    private readonly string _connectionString;

    public SqliteAclStore(string databasePath)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = true }.ToString();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS acl (
                service     TEXT NOT NULL,
                client      TEXT NOT NULL,
                methods     TEXT NOT NULL,
                path_prefix TEXT NOT NULL,
                PRIMARY KEY (service, client, methods, path_prefix)
            );
            """;
        command.ExecuteNonQuery();
    }

    public async Task<IReadOnlyList<AclRule>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT service, client, methods, path_prefix FROM acl ORDER BY service, client";
        var rules = new List<AclRule>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var methods = reader.GetString(2);
            rules.Add(new AclRule(reader.GetString(0), reader.GetString(1), methods.Length == 0 ? [] : methods.Split(','), reader.GetString(3)));
        }

        return rules;
    }

    public async Task UpsertAsync(AclRule rule, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT OR REPLACE INTO acl (service, client, methods, path_prefix) VALUES ($service, $client, $methods, $prefix)";
        command.Parameters.AddWithValue("$service", rule.Service);
        command.Parameters.AddWithValue("$client", rule.Client);
        command.Parameters.AddWithValue("$methods", string.Join(',', rule.Methods.Order(StringComparer.Ordinal)));
        command.Parameters.AddWithValue("$prefix", rule.PathPrefix);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> DeleteAsync(string service, string client, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM acl WHERE service = $service AND client = $client";
        command.Parameters.AddWithValue("$service", service);
        command.Parameters.AddWithValue("$client", client);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Only this gateway writes its <c>gateway.db</c>, and it reloads on its own changes.</summary>
    public Task<long> VersionAsync(CancellationToken cancellationToken) => Task.FromResult(0L);

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }
}

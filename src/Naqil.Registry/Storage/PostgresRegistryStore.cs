using System.Data;
using System.Data.Common;
using Npgsql;

namespace Naqil.Registry.Storage;

/// <summary>
/// The production store on PostgreSQL. A write locks the state row (<c>FOR UPDATE</c>) before its
/// first read and holds it until the commit, so writers queue on it as they do on SQLite's write
/// lock: a registry's writes never interleave, nor do those of a second registry pointed at the
/// same database by mistake. A snapshot is read in one <c>REPEATABLE READ</c> transaction, so its
/// serial names exactly its entries.
/// </summary>
internal sealed class PostgresRegistryStore(string connectionString) : DbRegistryStore
{
    /// <summary>The advisory lock taken while the schema is created ("NaqilReg" in ASCII).</summary>
    private const long SchemaLock = 0x4E61_7169_6C52_6567;

    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    protected override string SchemaSql => Schema;

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    // CREATE TABLE IF NOT EXISTS is not safe against itself: two registries starting at once on an
    // empty database would both create, and one fail on the catalog's unique key.
    protected override async Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@key);", cancellationToken, ("key", SchemaLock));

    protected override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        try
        {
            // Under READ COMMITTED each later statement sees what the previous holder committed.
            await ExecuteAsync(connection, transaction, "SELECT serial FROM registry_state WHERE id = 1 FOR UPDATE;", cancellationToken);
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
    }

    protected override async Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

    protected override string WrongInstance(string? stored, string instance)
    {
        // Named by host and database only: the connection string may hold a password.
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"The registry database '{builder.Database}' on {builder.Host} belongs to instance {stored}, not {instance}; point Registry:ConnectionString at {instance}'s own database.";
    }

    protected override void DisposeCore() => _dataSource.Dispose();
}

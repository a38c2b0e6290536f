using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Naqil.Registry.Storage;

/// <summary>
/// The embedded store: one SQLite file in WAL mode, so readers (config polls, admin GETs) never
/// wait for a writer. Writes take the write lock at <c>BEGIN IMMEDIATE</c>, before their first
/// read, which keeps "read, compare, write, bump serial" free of SQLITE_BUSY upgrades.
/// </summary>
internal sealed class SqliteRegistryStore(string databasePath) : DbRegistryStore
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = databasePath,
        Mode = SqliteOpenMode.ReadWriteCreate,
        ForeignKeys = true,
        Pooling = true,
    }.ToString();

    // SQLite's own names, so a database created now has the same schema text as one created before
    // the store was shared with PostgreSQL.
    protected override string SchemaSql => Schema
        .Replace("BIGINT", "INTEGER", StringComparison.Ordinal)
        .Replace("BYTEA", "BLOB", StringComparison.Ordinal);

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    protected override async Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken);

    protected override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    // A deferred transaction is one WAL read snapshot from its first read: the serial and the entries agree.
    protected override Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

    protected override string WrongInstance(string? stored, string instance) =>
        $"The registry database '{databasePath}' belongs to instance {stored}, not {instance}; point DataDirectory at {instance}'s own directory.";

    protected override void DisposeCore()
    {
        // Pooled connections keep the file open until cleared; clear only this database's pool.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}

using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Naqil.Gateway.Storage;

/// <summary>
/// The embedded message log: one SQLite file in WAL mode with <c>synchronous = FULL</c>, so a
/// committed transaction has been fsynced and survives a crash or a power cut. Writes take the
/// write lock at <c>BEGIN IMMEDIATE</c>; a lock held elsewhere for longer than
/// <paramref name="busyTimeout"/> fails the write rather than stalling exchanges.
/// </summary>
internal sealed class SqliteMessageLogStore(string databasePath, TimeSpan busyTimeout) : DbMessageLogStore
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = databasePath,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds)),
    }.ToString();

    public SqliteMessageLogStore(string databasePath)
        : this(databasePath, TimeSpan.FromSeconds(5))
    {
    }

    public override string Kind => "sqlite";

    protected override string LockStateSql => "SELECT size FROM log_state WHERE id = 1";

    protected override string SchemaSql => "PRAGMA journal_mode = WAL;\n" + Schema
        .Replace("BIGINT PRIMARY KEY", "INTEGER PRIMARY KEY", StringComparison.Ordinal)
        .Replace("BYTEA", "BLOB", StringComparison.Ordinal);

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, null, "PRAGMA synchronous = FULL;", cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    protected override DbConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    protected override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((SqliteConnection)connection).BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);

    public override void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}

using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Naqil.Gateway.Storage;

/// <summary>
/// The embedded message log: one SQLite file in WAL mode with <c>synchronous = FULL</c>, so a
/// committed transaction has been fsynced and survives a crash or a power cut. Writes take the
/// write lock at <c>BEGIN IMMEDIATE</c>; a lock held elsewhere for longer than
/// <paramref name="busyTimeout"/> fails the write rather than stalling exchanges.
/// <para>
/// Checkpoints: the heartbeat's passive checkpoint (<see cref="MaintainAsync"/>) copies the bulk of
/// the WAL into the database beside the appends, but under steady traffic it can never finish —
/// new frames arrive while it copies — so the WAL would grow without end and every commit would
/// extend the file (an fsync that must also journal the new size). So after each of those, the
/// writer itself finishes the checkpoint before its next batch (a short tail, nothing appends
/// meanwhile), and SQLite then rewrites the WAL from its start: commits overwrite, and the file
/// stays bounded (<c>journal_size_limit</c> trims it after a burst).
/// </para>
/// </summary>
internal sealed class SqliteMessageLogStore(string databasePath, TimeSpan busyTimeout) : DbMessageLogStore
{
    // SQLite's own busy handler retries after 1, 2, 5 ... ms; without it the driver's retry loop
    // sleeps 150 ms whenever the heartbeat's write and an append meet, which showed as p99 spikes.
    private readonly string _pragmas = $"PRAGMA busy_timeout = {(int)busyTimeout.TotalMilliseconds}; PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = {64 << 20};";

    private volatile bool _finishCheckpoint;

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

    protected override string SchemaSql => "PRAGMA journal_mode = WAL;\n" + Schema
        .Replace("BIGINT PRIMARY KEY", "INTEGER PRIMARY KEY", StringComparison.Ordinal)
        .Replace("BYTEA", "BLOB", StringComparison.Ordinal);

    protected internal override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // Checkpoints run from MaintainAsync, never inside a commit, so an append waits for its
            // own fsync only, not for the database file to catch up with the WAL.
            await DbCommands.ExecuteAsync(connection, null, _pragmas, cancellationToken);
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

    protected internal override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((SqliteConnection)connection).BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);

    public override async Task MaintainAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await DbCommands.ExecuteAsync(connection, null, "PRAGMA wal_checkpoint(PASSIVE);", cancellationToken);
        _finishCheckpoint = true;
    }

    protected internal override async Task BeforeWriteAsync(DbConnection writer, CancellationToken cancellationToken)
    {
        if (_finishCheckpoint)
        {
            // Passive: never waits for a reader (an export may be reading); if one holds old frames,
            // the WAL restarts at a later checkpoint instead.
            _finishCheckpoint = false;
            await DbCommands.ExecuteAsync(writer, null, "PRAGMA wal_checkpoint(PASSIVE);", cancellationToken);
        }
    }

    protected override void DisposeCore()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}

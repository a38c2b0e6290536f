using System.Data.Common;
using Microsoft.Data.Sqlite;
using Naqil.Agencies.Storage;

namespace Naqil.Agencies.Payments.Storage;

/// <summary>
/// The embedded store: one SQLite file in WAL mode with full sync. A change begins <c>IMMEDIATE</c>,
/// taking the database's write lock before its first read, so changes run one at a time and a
/// commit is on disk before its answer is given.
/// </summary>
internal sealed class SqlitePaymentStore(string databasePath) : DbPaymentStore
{
    private readonly string _connectionString = AgencyDb.SqliteConnectionString(databasePath, foreignKeys: true);

    protected override string SchemaSql => Schema.Replace("BIGINT", "INTEGER", StringComparison.Ordinal).Replace(SeqPlaceholder, "INTEGER PRIMARY KEY AUTOINCREMENT", StringComparison.Ordinal);

    protected override string ForUpdate => "";

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await AgencyDb.OpenSqliteAsync(_connectionString, cancellationToken);
        await AgencyDb.ExecuteAsync(connection, null, "PRAGMA synchronous = FULL;", cancellationToken);
        return connection;
    }

    protected override async Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await AgencyDb.ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken);

    protected override Task<DbTransaction> BeginChangeAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    protected override string Describe() => $"'{databasePath}'";

    protected override void DisposeCore() => AgencyDb.ClearSqlitePool(_connectionString);
}

using System.Data.Common;
using Microsoft.Data.Sqlite;
using Naqil.Agencies.Storage;

namespace Naqil.Agencies.Postal.Storage;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. A change begins <c>IMMEDIATE</c>, taking the
/// database's write lock before its first read, so changes to the post's items run one at a time.
/// </summary>
internal sealed class SqlitePostalStore(string databasePath) : DbPostalStore
{
    private readonly string _connectionString = AgencyDb.SqliteConnectionString(databasePath, foreignKeys: true);

    protected override string SchemaSql => Schema.Replace("BIGINT", "INTEGER", StringComparison.Ordinal)
        .Replace("@@SEQ@@", "INTEGER PRIMARY KEY AUTOINCREMENT", StringComparison.Ordinal);

    protected override Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => AgencyDb.OpenSqliteAsync(_connectionString, cancellationToken);

    protected override async Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken);

    protected override Task<DbTransaction> BeginChangeAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    protected override string Describe() => $"'{databasePath}'";

    protected override void DisposeCore() => AgencyDb.ClearSqlitePool(_connectionString);
}

using System.Data.Common;
using Microsoft.Data.Sqlite;
using Naqil.Agencies.Storage;

namespace Naqil.Agencies.Regulator.Storage;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. A write begins <c>IMMEDIATE</c>, taking the
/// database's write lock before its first read, so writes run one at a time whatever their scope.
/// </summary>
internal sealed class SqliteRegulatorStore(string databasePath) : DbRegulatorStore
{
    private readonly string _connectionString = AgencyDb.SqliteConnectionString(databasePath, foreignKeys: true);

    protected override string SchemaSql => Schema.Replace("BIGINT", "INTEGER", StringComparison.Ordinal)
        .Replace("@@SEQ@@", "INTEGER PRIMARY KEY AUTOINCREMENT", StringComparison.Ordinal)
        .Replace("@@DOUBLE@@", "REAL", StringComparison.Ordinal);

    protected override Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => AgencyDb.OpenSqliteAsync(_connectionString, cancellationToken);

    protected override async Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await AgencyDb.ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken);

    protected override Task<DbTransaction> BeginWriteAsync(DbConnection connection, WriteScope scope, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    protected override string Describe() => $"'{databasePath}'";

    protected override void DisposeCore() => AgencyDb.ClearSqlitePool(_connectionString);
}

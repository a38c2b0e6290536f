using System.Data.Common;
using Naqil.Agencies.Storage;

namespace Naqil.Agencies.Documents.Storage;

/// <summary>The embedded store: one SQLite file in WAL mode.</summary>
internal sealed class SqliteIssuedDocumentStore(string databasePath) : DbIssuedDocumentStore
{
    private readonly string _connectionString = AgencyDb.SqliteConnectionString(databasePath);

    protected override Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => AgencyDb.OpenSqliteAsync(_connectionString, cancellationToken);

    protected override async Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken);

    protected override void DisposeCore() => AgencyDb.ClearSqlitePool(_connectionString);
}

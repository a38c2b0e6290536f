using System.Data.Common;
using Npgsql;

namespace Naqil.Agencies.Documents.Storage;

/// <summary>The store on PostgreSQL; the schema is created under an advisory lock, so two processes starting together do not race.</summary>
internal sealed class PostgresIssuedDocumentStore(string connectionString) : DbIssuedDocumentStore
{
    /// <summary>The advisory lock taken while the schema is created ("NaqilDoc" in ASCII).</summary>
    private const long SchemaLock = 0x4E61_7169_6C44_6F63;

    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    protected override async Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@key);", cancellationToken, ("key", SchemaLock));

    protected override void DisposeCore() => _dataSource.Dispose();
}

using System.Data;
using System.Data.Common;
using Npgsql;

namespace Naqil.Agencies.Postal.Storage;

/// <summary>
/// The store on PostgreSQL. A change takes a transaction-scoped advisory lock on the item's id
/// before reading it, so two changes to one item (even one not yet stored) run one after the
/// other, while changes to different items run side by side.
/// </summary>
internal sealed class PostgresPostalStore(string connectionString) : DbPostalStore
{
    /// <summary>The advisory lock taken while the schema is created ("NaqilPst" in ASCII).</summary>
    private const long SchemaLock = 0x4E61_7169_6C50_7374;

    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    protected override string SchemaSql => Schema;

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    protected override async Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@key);", cancellationToken, ("key", SchemaLock));

    protected override async Task<DbTransaction> BeginChangeAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

    protected override async Task LockItemAsync(DbConnection connection, DbTransaction transaction, S10Id id, CancellationToken cancellationToken) =>
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(hashtext(@id));", cancellationToken, ("id", id.Value));

    // Named by host and database only: the connection string may hold a password.
    protected override string Describe()
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"'{builder.Database}' on {builder.Host}";
    }

    protected override void DisposeCore() => _dataSource.Dispose();
}

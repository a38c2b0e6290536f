using System.Data;
using System.Data.Common;
using Naqil.Agencies.Storage;
using Npgsql;

namespace Naqil.Agencies.Payments.Storage;

/// <summary>
/// The store on PostgreSQL, read committed with row locks: a change locks its intent's row
/// (<c>SELECT … FOR UPDATE</c>) and, when it debits an account that may not go below zero, that
/// account's row, before it reads the balance. Changes to different intents of different payers run
/// side by side.
/// </summary>
internal sealed class PostgresPaymentStore(string connectionString) : DbPaymentStore
{
    /// <summary>The advisory lock taken while the schema is created ("NaqilPay" in ASCII).</summary>
    private const long SchemaLock = 0x4E61_7169_6C50_6179;

    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    protected override string SchemaSql => Schema;

    protected override string ForUpdate => " FOR UPDATE";

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    protected override async Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        await AgencyDb.ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(@key);", cancellationToken, ("key", SchemaLock));

    protected override async Task<DbTransaction> BeginChangeAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

    // Named by host and database only: the connection string may hold a password.
    protected override string Describe()
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"'{builder.Database}' on {builder.Host}";
    }

    protected override void DisposeCore() => _dataSource.Dispose();
}

using System.Data;
using System.Data.Common;
using Npgsql;

namespace Naqil.Gateway.Storage;

/// <summary>
/// The production message log on PostgreSQL. A commit returns once the server has flushed its
/// write-ahead log (the default <c>synchronous_commit = on</c>). The tree state row is locked
/// <c>FOR UPDATE</c> in every append, so two gateways pointed at one database by mistake cannot
/// interleave entries.
/// </summary>
internal sealed class PostgresMessageLogStore : DbMessageLogStore
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgresMessageLogStore(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public override string Kind => "postgresql";

    protected override string LockStateSql => "SELECT size FROM log_state WHERE id = 1 FOR UPDATE";

    protected override string SchemaSql => Schema;

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    protected override DbConnection Open() => _dataSource.OpenConnection();

    protected override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

    protected override void DisposeCore() => _dataSource.Dispose();
}

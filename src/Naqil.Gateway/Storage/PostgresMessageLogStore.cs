using System.Data;
using System.Data.Common;
using Npgsql;

namespace Naqil.Gateway.Storage;

/// <summary>
/// The production message log on PostgreSQL. A commit returns once the server has flushed its
/// write-ahead log (the default <c>synchronous_commit = on</c>). An append is two round trips: one
/// batch holding the tree state's guarded update and every insert, then the commit. The update moves
/// the state only from where the batch starts and holds the row's lock until the commit, so two
/// gateways pointed at one database by mistake cannot interleave entries.
/// </summary>
internal sealed class PostgresMessageLogStore : DbMessageLogStore
{
    /// <summary>Statements Npgsql prepares on each connection once used twice, unless the connection string says otherwise.</summary>
    private const int AutoPrepared = 32;

    private readonly NpgsqlDataSource _dataSource;

    public PostgresMessageLogStore(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!builder.ContainsKey("Max Auto Prepare"))
        {
            // The appends repeat the same few statements batch after batch; prepared once per
            // connection, the server stops parsing and planning each insert of each batch.
            builder.MaxAutoPrepare = AutoPrepared;
        }

        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public override string Kind => "postgresql";

    protected override string SchemaSql => Schema;

    protected internal override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    protected override DbConnection Open() => _dataSource.OpenConnection();

    protected internal override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((NpgsqlConnection)connection).BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

    // Batched inserts follow the state's update, so a second writer's batch for the same indices
    // can reach them (and fail on the key) once the first writer has committed.
    protected internal override bool IsDuplicateIndex(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    protected override void DisposeCore() => _dataSource.Dispose();
}

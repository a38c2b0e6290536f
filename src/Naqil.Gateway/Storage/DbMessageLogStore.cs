using System.Data.Common;
using Naqil.Gateway.MessageLog;
using Naqil.MessageLog;
using static Naqil.Gateway.Storage.DbCommands;

namespace Naqil.Gateway.Storage;

/// <summary>
/// The message log's tables and statements over ADO.NET, shared by the SQLite and PostgreSQL
/// stores: the SQL is the common subset of both (ON CONFLICT, LIMIT, integers and byte strings),
/// and each store supplies connections, the column types and how to lock the tree state.
/// Times are stored as Unix milliseconds. Appends go through the batched writer,
/// <see cref="DbMessageLogWriter"/>; this class holds the schema and every other query.
/// </summary>
internal abstract class DbMessageLogStore : IMessageLogStore
{
    /// <summary>Written with PostgreSQL's type names; the SQLite store maps them.</summary>
    protected const string Schema = """
        CREATE TABLE IF NOT EXISTS log_entries (
            idx BIGINT PRIMARY KEY,
            naqil_id TEXT NOT NULL,
            leaf BYTEA NOT NULL,
            entry BYTEA NOT NULL,
            at BIGINT NOT NULL);
        CREATE INDEX IF NOT EXISTS log_entries_naqil_id ON log_entries (naqil_id);
        CREATE INDEX IF NOT EXISTS log_entries_at ON log_entries (at);
        CREATE TABLE IF NOT EXISTS log_bodies (
            idx BIGINT PRIMARY KEY,
            request_length BIGINT NOT NULL,
            response_length BIGINT NOT NULL,
            nonce BYTEA,
            ciphertext BYTEA,
            purged INTEGER NOT NULL,
            at BIGINT NOT NULL);
        CREATE INDEX IF NOT EXISTS log_bodies_at ON log_bodies (at);
        CREATE TABLE IF NOT EXISTS log_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            size BIGINT NOT NULL,
            frontier BYTEA NOT NULL);
        CREATE TABLE IF NOT EXISTS log_tree_heads (
            size BIGINT PRIMARY KEY,
            root BYTEA NOT NULL,
            at BIGINT NOT NULL,
            signature BYTEA NOT NULL,
            signer TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS log_timestamps (
            size BIGINT NOT NULL,
            gen_time BIGINT NOT NULL,
            token BYTEA NOT NULL,
            tsa TEXT NOT NULL,
            PRIMARY KEY (size, gen_time));
        CREATE TABLE IF NOT EXISTS log_certificates (
            thumbprint TEXT PRIMARY KEY,
            der BYTEA NOT NULL);
        CREATE TABLE IF NOT EXISTS log_nodes (
            height INTEGER NOT NULL,
            start BIGINT NOT NULL,
            hash BYTEA NOT NULL,
            PRIMARY KEY (height, start));
        CREATE TABLE IF NOT EXISTS log_probe (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            at BIGINT NOT NULL);
        CREATE TABLE IF NOT EXISTS outbox_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            seq BIGINT NOT NULL);
        INSERT INTO outbox_state (id, seq) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
        CREATE TABLE IF NOT EXISTS outbox_events (
            seq BIGINT PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            topic TEXT NOT NULL,
            publisher TEXT NOT NULL,
            purpose TEXT,
            body BYTEA NOT NULL,
            body_sha256 BYTEA NOT NULL,
            published BIGINT NOT NULL);
        CREATE TABLE IF NOT EXISTS outbox_deliveries (
            topic TEXT NOT NULL,
            subscriber TEXT NOT NULL,
            seq BIGINT NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt BIGINT NOT NULL,
            last_error TEXT,
            delivery_id TEXT,
            done BIGINT,
            PRIMARY KEY (topic, subscriber, seq));
        CREATE INDEX IF NOT EXISTS outbox_deliveries_state ON outbox_deliveries (state, topic, subscriber, seq);
        CREATE TABLE IF NOT EXISTS inbox_events (
            event_id TEXT NOT NULL,
            subscriber TEXT NOT NULL,
            topic TEXT NOT NULL,
            delivery_id TEXT NOT NULL,
            received BIGINT NOT NULL,
            PRIMARY KEY (event_id, subscriber));
        """;

    private readonly DbMessageLogWriter _writer;

    protected DbMessageLogStore()
    {
        _writer = new DbMessageLogWriter(this);
    }

    public abstract string Kind { get; }

    protected abstract string SchemaSql { get; }

    protected internal abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    protected abstract DbConnection Open();

    protected internal abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Runs on the writer's connection before each batch, while nothing else appends.</summary>
    protected internal virtual Task BeforeWriteAsync(DbConnection writer, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Whether an insert failed because an entry with its index is already stored.</summary>
    protected internal virtual bool IsDuplicateIndex(DbException exception) => false;

    public virtual Task MaintainAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        _writer.Dispose();
        DisposeCore();
    }

    /// <summary>Releases the store's connections (the pool or data source).</summary>
    protected abstract void DisposeCore();

    /// <summary>The statement storing a node; a node stored already (by a concurrent completion) is kept.</summary>
    internal const string InsertNodeSql = "INSERT INTO log_nodes (height, start, hash) VALUES (@height, @start, @hash) ON CONFLICT (height, start) DO NOTHING";

    /// <summary>Leaves read per query while completing the nodes of an older log.</summary>
    private const int CompletionChunk = 1 << 14;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, SchemaSql, cancellationToken);
        await CompleteNodesAsync(connection, cancellationToken);
    }

    public async Task<TreeState> LoadStateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await LoadStateAsync(connection, null, cancellationToken);
    }

    internal static async Task<TreeState> LoadStateAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT size, frontier FROM log_state WHERE id = 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return new TreeState(0, []);
        }

        return new TreeState(reader.GetInt64(0), SplitFrontier(reader.GetFieldValue<byte[]>(1)));
    }

    /// <summary>
    /// A log written before nodes were kept, or by a build that did not keep them, lacks the nodes
    /// of its first entries; count them and, when some are missing, recompute every node from the
    /// leaves and store those missing, a chunk of leaves per transaction (an interrupted pass
    /// starts again at the next open). Proofs stay correct meanwhile: a node not stored is computed
    /// from its leaves. A gap in the leaves stops the pass where it is: those nodes cannot be known.
    /// </summary>
    private async Task CompleteNodesAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var state = await LoadStateAsync(connection, null, cancellationToken);
        await using (var count = Command(connection, null, "SELECT COUNT(*) FROM log_nodes"))
        {
            var stored = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            if (stored >= StoredNodes.CountFor(state.Size))
            {
                return;
            }
        }

        var builder = new MerkleTreeBuilder();
        var nodes = new List<StoredNode>();
        while (builder.Size < state.Size)
        {
            var end = Math.Min(state.Size, builder.Size + CompletionChunk);
            await using (var read = Command(connection, null, "SELECT idx, leaf FROM log_entries WHERE idx >= @start AND idx < @end ORDER BY idx"))
            {
                Add(read, "start", builder.Size);
                Add(read, "end", end);
                await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var leaf = reader.GetFieldValue<byte[]>(1);
                    if (reader.GetInt64(0) != builder.Size || leaf.Length != MerkleTree.HashSize)
                    {
                        break;
                    }

                    StoredNodes.Append(builder, leaf, nodes);
                }
            }

            await InsertNodesAsync(connection, nodes, cancellationToken);
            nodes.Clear();
            if (builder.Size != end)
            {
                return;
            }
        }
    }

    private async Task InsertNodesAsync(DbConnection connection, List<StoredNode> nodes, CancellationToken cancellationToken)
    {
        if (nodes.Count == 0)
        {
            return;
        }

        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await using (var insert = Command(connection, transaction, InsertNodeSql))
        {
            Add(insert, "height", 0);
            Add(insert, "start", 0L);
            Add(insert, "hash", Array.Empty<byte>());
            foreach (var node in nodes)
            {
                insert.Parameters[0].Value = node.Height;
                insert.Parameters[1].Value = node.Start;
                insert.Parameters[2].Value = node.Hash;
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Appends through <see cref="DbMessageLogWriter"/>, the batched writer.</summary>
    public Task AppendAsync(IReadOnlyList<StoredEntry> entries, TreeState state, CancellationToken cancellationToken) =>
        _writer.AppendAsync(entries, state, cancellationToken);

    public async Task ProbeAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        await using (var command = Command(connection, transaction, "INSERT INTO log_probe (id, at) VALUES (1, @at) ON CONFLICT (id) DO UPDATE SET at = excluded.at"))
        {
            Add(command, "at", now.ToUnixTimeMilliseconds());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<StoredEntry>> ReadEntriesAsync(long start, long end, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT idx, leaf, entry, at, naqil_id FROM log_entries WHERE idx >= @start AND idx < @end ORDER BY idx");
        Add(command, "start", start);
        Add(command, "end", end);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<StoredEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new StoredEntry(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<byte[]>(2),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)), reader.GetString(4)));
        }

        return entries;
    }

    public async Task<IReadOnlyList<IndexedLeaf>> ReadLeavesAsync(long start, long end, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT idx, leaf FROM log_entries WHERE idx >= @start AND idx < @end ORDER BY idx");
        Add(command, "start", start);
        Add(command, "end", end);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var leaves = new List<IndexedLeaf>();
        while (await reader.ReadAsync(cancellationToken))
        {
            leaves.Add(new IndexedLeaf(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)));
        }

        return leaves;
    }

    public void ReadLeafHashes(long start, Span<byte> destination)
    {
        var count = destination.Length / MerkleTree.HashSize;
        using var connection = Open();
        using var command = Command(connection, null, "SELECT idx, leaf FROM log_entries WHERE idx >= @start AND idx < @end ORDER BY idx");
        Add(command, "start", start);
        Add(command, "end", start + count);
        using var reader = command.ExecuteReader();
        var read = 0;
        while (reader.Read())
        {
            var leaf = reader.GetFieldValue<byte[]>(1);
            if (reader.GetInt64(0) != start + read || leaf.Length != MerkleTree.HashSize)
            {
                throw new InvalidOperationException($"the stored leaf {start + read} is missing or damaged");
            }

            leaf.CopyTo(destination.Slice(read * MerkleTree.HashSize, MerkleTree.HashSize));
            read++;
        }

        if (read != count)
        {
            throw new InvalidOperationException($"the stored leaf {start + read} is missing");
        }
    }

    public bool TryReadNode(int height, long start, Span<byte> destination)
    {
        using var connection = Open();
        using var command = Command(connection, null, "SELECT hash FROM log_nodes WHERE height = @height AND start = @start");
        Add(command, "height", height);
        Add(command, "start", start);
        if (command.ExecuteScalar() is not byte[] hash)
        {
            return false;
        }

        if (hash.Length != MerkleTree.HashSize)
        {
            throw new InvalidOperationException($"the stored node of height {height} at {start} is damaged");
        }

        hash.CopyTo(destination);
        return true;
    }

    public async Task<IReadOnlyList<long>> FindAsync(string naqilId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT idx FROM log_entries WHERE naqil_id = @id ORDER BY idx");
        Add(command, "id", naqilId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var indices = new List<long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            indices.Add(reader.GetInt64(0));
        }

        return indices;
    }

    public async Task<long> FirstIndexAtOrAfterAsync(DateTimeOffset time, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "SELECT COALESCE((SELECT MIN(idx) FROM log_entries WHERE at >= @at), (SELECT size FROM log_state WHERE id = 1), 0)");
        Add(command, "at", time.ToUnixTimeMilliseconds());
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<StoredBodies?> ReadBodiesAsync(long index, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT request_length, response_length, nonce, ciphertext, purged FROM log_bodies WHERE idx = @idx");
        Add(command, "idx", index);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new StoredBodies(reader.GetInt64(0), reader.GetInt64(1),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2),
            reader.IsDBNull(3) ? null : reader.GetFieldValue<byte[]>(3),
            reader.GetInt32(4) != 0);
    }

    public async Task<int> PurgeBodiesAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "UPDATE log_bodies SET nonce = NULL, ciphertext = NULL, purged = 1 WHERE at < @before AND purged = 0 AND ciphertext IS NOT NULL");
        Add(command, "before", before.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task AddTreeHeadAsync(StoredTreeHead treeHead, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(treeHead);
        var head = treeHead.SignedHead.Head;
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "INSERT INTO log_tree_heads (size, root, at, signature, signer) VALUES (@size, @root, @at, @signature, @signer) ON CONFLICT (size) DO NOTHING");
        Add(command, "size", head.TreeSize);
        Add(command, "root", head.RootHash.ToArray());
        Add(command, "at", head.Timestamp.ToUnixTimeMilliseconds());
        Add(command, "signature", treeHead.SignedHead.Signature);
        Add(command, "signer", treeHead.SignerThumbprint);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<StoredTreeHead?> LatestTreeHeadAsync(CancellationToken cancellationToken)
    {
        var heads = await QueryTreeHeadsAsync("SELECT size, root, at, signature, signer FROM log_tree_heads ORDER BY size DESC LIMIT 1", 0, 0, cancellationToken);
        return heads.Count == 0 ? null : heads[0];
    }

    public Task<IReadOnlyList<StoredTreeHead>> TreeHeadsAsync(long minSize, long maxSize, CancellationToken cancellationToken) =>
        QueryTreeHeadsAsync("SELECT size, root, at, signature, signer FROM log_tree_heads WHERE size >= @min AND size <= @max ORDER BY size", minSize, maxSize, cancellationToken);

    public async Task AddTimestampAsync(StoredTimestamp timestamp, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timestamp);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "INSERT INTO log_timestamps (size, gen_time, token, tsa) VALUES (@size, @gen, @token, @tsa) ON CONFLICT (size, gen_time) DO NOTHING");
        Add(command, "size", timestamp.TreeSize);
        Add(command, "gen", timestamp.GenTime.ToUnixTimeMilliseconds());
        Add(command, "token", timestamp.Token);
        Add(command, "tsa", timestamp.TsaThumbprint);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<StoredTimestamp>> TimestampsAsync(long minSize, long maxSize, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "SELECT size, token, tsa, gen_time FROM log_timestamps WHERE size >= @min AND size <= @max ORDER BY size, gen_time");
        Add(command, "min", minSize);
        Add(command, "max", maxSize);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var timestamps = new List<StoredTimestamp>();
        while (await reader.ReadAsync(cancellationToken))
        {
            timestamps.Add(new StoredTimestamp(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3))));
        }

        return timestamps;
    }

    public async Task PutCertificateAsync(string thumbprint, byte[] der, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "INSERT INTO log_certificates (thumbprint, der) VALUES (@t, @der) ON CONFLICT (thumbprint) DO NOTHING");
        Add(command, "t", thumbprint);
        Add(command, "der", der);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<byte[]?> GetCertificateAsync(string thumbprint, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT der FROM log_certificates WHERE thumbprint = @t");
        Add(command, "t", thumbprint);
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    public async Task<IReadOnlyList<byte[]>> CertificatesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT der FROM log_certificates ORDER BY thumbprint");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var certificates = new List<byte[]>();
        while (await reader.ReadAsync(cancellationToken))
        {
            certificates.Add(reader.GetFieldValue<byte[]>(0));
        }

        return certificates;
    }

    private async Task<IReadOnlyList<StoredTreeHead>> QueryTreeHeadsAsync(string sql, long min, long max, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, sql);
        if (sql.Contains("@min", StringComparison.Ordinal))
        {
            Add(command, "min", min);
            Add(command, "max", max);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var heads = new List<StoredTreeHead>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var head = new TreeHead(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)));
            heads.Add(new StoredTreeHead(new SignedTreeHead(head, reader.GetFieldValue<byte[]>(3)), reader.GetString(4)));
        }

        return heads;
    }

    private static byte[][] SplitFrontier(byte[] bytes) => bytes.Chunk(MerkleTree.HashSize).ToArray();
}

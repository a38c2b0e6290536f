using System.Data;
using System.Data.Common;
using Naqil.Gateway.MessageLog;
using Naqil.MessageLog;

namespace Naqil.Gateway.Storage;

/// <summary>
/// The message log's tables and statements over ADO.NET, shared by the SQLite and PostgreSQL
/// stores: the SQL is the common subset of both (ON CONFLICT, LIMIT, integers and byte strings),
/// and each store supplies connections, the column types and how to lock the tree state.
/// Times are stored as Unix milliseconds.
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
        CREATE TABLE IF NOT EXISTS log_probe (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            at BIGINT NOT NULL);
        """;

    private WriterSession? _idleWriter;

    public abstract string Kind { get; }

    protected abstract string SchemaSql { get; }

    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    protected abstract DbConnection Open();

    protected abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Runs on the writer's connection before each batch, while nothing else appends.</summary>
    protected virtual Task BeforeWriteAsync(DbConnection writer, CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual Task MaintainAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        Interlocked.Exchange(ref _idleWriter, null)?.Dispose();
        DisposeCore();
    }

    /// <summary>Releases the store's connections (the pool or data source).</summary>
    protected abstract void DisposeCore();

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, SchemaSql, cancellationToken);
    }

    public async Task<TreeState> LoadStateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT size, frontier FROM log_state WHERE id = 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return new TreeState(0, []);
        }

        return new TreeState(reader.GetInt64(0), SplitFrontier(reader.GetFieldValue<byte[]>(1)));
    }

    public async Task AppendAsync(IReadOnlyList<StoredEntry> entries, TreeState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(state);

        var first = entries.Count > 0 ? entries[0].Index : state.Size;
        if (state.Size != first + entries.Count)
        {
            throw new ArgumentException($"a batch of {entries.Count} entries starting at {first} cannot bring the log to {state.Size}", nameof(state));
        }

        // The log has one writer at a time; it keeps its connection and prepared statements
        // between batches. A second caller at the same moment gets a session of its own.
        var session = Interlocked.Exchange(ref _idleWriter, null) ?? new WriterSession(await OpenAsync(cancellationToken));
        bool advanced;
        try
        {
            advanced = await session.AppendAsync(this, entries, first, state, cancellationToken);
        }
        catch (DbException e) when (IsDuplicateIndex(e))
        {
            // Another writer's entries already hold these indices (its batch committed first).
            session.Dispose();
            throw NotFollowing(await StoredSizeOrNullAsync(cancellationToken), first, e);
        }
        catch
        {
            // Whatever failed (the server went away, the file is locked), start afresh next time.
            session.Dispose();
            throw;
        }

        ReturnOrDispose(session);
        if (!advanced)
        {
            throw NotFollowing(await StoredSizeOrNullAsync(cancellationToken), first, null);
        }
    }

    /// <summary>Whether an insert failed because an entry with its index is already stored.</summary>
    protected virtual bool IsDuplicateIndex(DbException exception) => false;

    private static InvalidOperationException NotFollowing(long? stored, long first, Exception? inner) =>
        new($"the log holds {(stored is { } size ? size.ToString(System.Globalization.CultureInfo.InvariantCulture) : "an unknown number of")} entries; " +
            $"a batch starting at {first} cannot follow (is a second gateway writing to this store?)", inner);

    /// <summary>The stored size for a refusal's message, or null when even that cannot be read.</summary>
    private async Task<long?> StoredSizeOrNullAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await LoadStateAsync(cancellationToken)).Size;
        }
        catch (DbException)
        {
            return null;
        }
    }

    private void ReturnOrDispose(WriterSession session)
    {
        if (Interlocked.CompareExchange(ref _idleWriter, session, null) is not null)
        {
            session.Dispose();
        }
    }

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

    protected static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    protected static void Add(DbCommand command, string name, object? value) => Add(command.CreateParameter, command.Parameters, name, value);

    private static void Add(Func<DbParameter> create, DbParameterCollection parameters, string name, object? value)
    {
        var parameter = create();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        if (value is null)
        {
            parameter.DbType = DbType.Binary;
        }

        parameters.Add(parameter);
    }

    protected static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Moves the tree state from the batch's first index to its new size, and only from there: an
    /// empty store takes a batch starting at 0, a stored state only the batch that follows it. A
    /// second writer's batch (two gateways on one database by mistake) finds the row moved and
    /// changes nothing, which the append reads as a refusal. (The row is offered whenever one is
    /// stored, so that the conflict's guard judges it; with none stored, only a batch from 0.) The
    /// update takes the row's lock, so concurrent writers queue on it and the second sees the
    /// first's committed size.
    /// </summary>
    private const string AdvanceStateSql =
        "INSERT INTO log_state (id, size, frontier) SELECT 1, @size, @frontier WHERE @first = 0 OR EXISTS (SELECT 1 FROM log_state WHERE id = 1) " +
        "ON CONFLICT (id) DO UPDATE SET size = excluded.size, frontier = excluded.frontier WHERE log_state.size = @first";

    private const string InsertEntrySql = "INSERT INTO log_entries (idx, naqil_id, leaf, entry, at) VALUES (@idx, @id, @leaf, @entry, @at)";

    private const string InsertBodiesSql =
        "INSERT INTO log_bodies (idx, request_length, response_length, nonce, ciphertext, purged, at) VALUES (@idx, @req, @resp, @nonce, @ct, 0, @at)";

    private static void AddEntryParameters(Func<DbParameter> create, DbParameterCollection parameters, StoredEntry e)
    {
        Add(create, parameters, "idx", e.Index);
        Add(create, parameters, "id", e.NaqilId);
        Add(create, parameters, "leaf", e.LeafHash);
        Add(create, parameters, "entry", e.Encoding);
        Add(create, parameters, "at", e.Time.ToUnixTimeMilliseconds());
    }

    private static void AddBodiesParameters(Func<DbParameter> create, DbParameterCollection parameters, StoredEntry e, StoredBodies b)
    {
        Add(create, parameters, "idx", e.Index);
        Add(create, parameters, "req", b.RequestLength);
        Add(create, parameters, "resp", b.ResponseLength);
        Add(create, parameters, "nonce", b.Nonce);
        Add(create, parameters, "ct", b.Ciphertext);
        Add(create, parameters, "at", e.Time.ToUnixTimeMilliseconds());
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

    /// <summary>
    /// The writer's connection and its append statements, prepared once and reused batch after
    /// batch: on SQLite a batch then costs its inserts and one fsync, with no parsing or pragmas.
    /// </summary>
    private sealed class WriterSession(DbConnection connection) : IDisposable
    {
        private DbCommand? _advanceState;
        private DbCommand? _insertEntry;
        private DbCommand? _insertBodies;

        /// <summary>
        /// Writes the batch and moves the state in one transaction; false, with nothing committed,
        /// when the stored state is not where the batch starts.
        /// </summary>
        public async Task<bool> AppendAsync(DbMessageLogStore store, IReadOnlyList<StoredEntry> entries, long first, TreeState state, CancellationToken cancellationToken)
        {
            await store.BeforeWriteAsync(connection, cancellationToken);
            await using var transaction = await store.BeginWriteAsync(connection, cancellationToken);
            var frontier = Concat(state.Frontier);
            if (connection.CanCreateBatch)
            {
                // PostgreSQL: the state's update and every insert in one round trip, then the commit.
                if (!await AdvanceAndInsertAsBatchAsync(transaction, entries, first, state.Size, frontier, cancellationToken))
                {
                    return false;
                }
            }
            else
            {
                // SQLite holds the write lock from BEGIN IMMEDIATE; judging the state first writes
                // nothing for a batch that does not follow.
                var advance = Prepare(ref _advanceState, AdvanceStateSql, transaction, "@size", "@frontier", "@first");
                Set(advance, state.Size, frontier, first);
                if (await advance.ExecuteNonQueryAsync(cancellationToken) != 1)
                {
                    return false;
                }

                var insertEntry = Prepare(ref _insertEntry, InsertEntrySql, transaction, "@idx", "@id", "@leaf", "@entry", "@at");
                foreach (var e in entries)
                {
                    Set(insertEntry, e.Index, e.NaqilId, e.LeafHash, e.Encoding, e.Time.ToUnixTimeMilliseconds());
                    await insertEntry.ExecuteNonQueryAsync(cancellationToken);
                    if (e.Bodies is { } b)
                    {
                        var insertBodies = Prepare(ref _insertBodies, InsertBodiesSql, transaction, "@idx", "@req", "@resp", "@nonce", "@ct", "@at");
                        Set(insertBodies, e.Index, b.RequestLength, b.ResponseLength, b.Nonce, b.Ciphertext, e.Time.ToUnixTimeMilliseconds());
                        await insertBodies.ExecuteNonQueryAsync(cancellationToken);
                    }
                }
            }

            await transaction.CommitAsync(cancellationToken);
            return true;
        }

        public void Dispose()
        {
            _advanceState?.Dispose();
            _insertEntry?.Dispose();
            _insertBodies?.Dispose();
            connection.Dispose();
        }

        /// <summary>
        /// One round trip for the state's update and the whole batch where the driver can
        /// (PostgreSQL). The update goes first, so it takes the state row's lock before any insert.
        /// </summary>
        private async Task<bool> AdvanceAndInsertAsBatchAsync(DbTransaction transaction, IReadOnlyList<StoredEntry> entries, long first, long size, byte[] frontier, CancellationToken cancellationToken)
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            var advance = batch.CreateBatchCommand();
            advance.CommandText = AdvanceStateSql;
            Add(advance.CreateParameter, advance.Parameters, "size", size);
            Add(advance.CreateParameter, advance.Parameters, "frontier", frontier);
            Add(advance.CreateParameter, advance.Parameters, "first", first);
            batch.BatchCommands.Add(advance);
            foreach (var e in entries)
            {
                var entry = batch.CreateBatchCommand();
                entry.CommandText = InsertEntrySql;
                AddEntryParameters(entry.CreateParameter, entry.Parameters, e);
                batch.BatchCommands.Add(entry);
                if (e.Bodies is { } b)
                {
                    var bodies = batch.CreateBatchCommand();
                    bodies.CommandText = InsertBodiesSql;
                    AddBodiesParameters(bodies.CreateParameter, bodies.Parameters, e, b);
                    batch.BatchCommands.Add(bodies);
                }
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
            return advance.RecordsAffected == 1;
        }

        // The parameter names are given as the SQL spells them, prefix included: Microsoft.Data.Sqlite
        // looks a bare name up under every prefix it knows on each execution (four native lookups,
        // three strings and four UTF-8 copies per parameter), a prefixed one once.
        private DbCommand Prepare(ref DbCommand? command, string sql, DbTransaction transaction, params string[] parameters)
        {
            if (command is null)
            {
                command = Command(connection, transaction, sql);
                foreach (var name in parameters)
                {
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = name;
                    command.Parameters.Add(parameter);
                }
            }

            command.Transaction = transaction;
            return command;
        }

        private static void Set(DbCommand command, params object?[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                var parameter = command.Parameters[i];
                parameter.Value = values[i] ?? DBNull.Value;
                if (values[i] is null)
                {
                    parameter.DbType = DbType.Binary;
                }
            }
        }

        private static byte[] Concat(IReadOnlyList<byte[]> frontier)
        {
            var bytes = new byte[frontier.Count * MerkleTree.HashSize];
            for (var i = 0; i < frontier.Count; i++)
            {
                frontier[i].CopyTo(bytes, i * MerkleTree.HashSize);
            }

            return bytes;
        }
    }
}

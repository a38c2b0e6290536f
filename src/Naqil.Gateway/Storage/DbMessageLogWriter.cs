using System.Data;
using System.Data.Common;
using Naqil.Gateway.MessageLog;
using Naqil.MessageLog;
using static Naqil.Gateway.Storage.DbCommands;

namespace Naqil.Gateway.Storage;

/// <summary>
/// The message log's batched writer over ADO.NET: appends a batch of entries (and their sealed
/// bodies), stores the subtree roots they complete (<see cref="StoredNodes"/>) and moves the tree
/// state in one transaction, and only when the batch follows the stored state. The log has one writer at a time; it keeps its connection and prepared statements between
/// batches. A second caller at the same moment gets a session of its own.
/// </summary>
internal sealed class DbMessageLogWriter(DbMessageLogStore store) : IDisposable
{
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

    private WriterSession? _idleWriter;

    /// <summary>The state this writer last committed: the frontier the next batch's nodes grow from, without reading it back.</summary>
    private TreeState? _committed;

    public async Task AppendAsync(IReadOnlyList<StoredEntry> entries, TreeState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(state);

        var first = entries.Count > 0 ? entries[0].Index : state.Size;
        if (state.Size != first + entries.Count)
        {
            throw new ArgumentException($"a batch of {entries.Count} entries starting at {first} cannot bring the log to {state.Size}", nameof(state));
        }

        var session = Interlocked.Exchange(ref _idleWriter, null) ?? new WriterSession(await store.OpenAsync(cancellationToken));
        bool advanced;
        try
        {
            advanced = await session.AppendAsync(store, entries, first, state, Volatile.Read(ref _committed), cancellationToken);
        }
        catch (DbException e) when (store.IsDuplicateIndex(e))
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

        Volatile.Write(ref _committed, state);
    }

    public void Dispose() => Interlocked.Exchange(ref _idleWriter, null)?.Dispose();

    private static InvalidOperationException NotFollowing(long? stored, long first, Exception? inner) =>
        new($"the log holds {(stored is { } size ? size.ToString(System.Globalization.CultureInfo.InvariantCulture) : "an unknown number of")} entries; " +
            $"a batch starting at {first} cannot follow (is a second gateway writing to this store?)", inner);

    /// <summary>The stored size for a refusal's message, or null when even that cannot be read.</summary>
    private async Task<long?> StoredSizeOrNullAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await store.LoadStateAsync(cancellationToken)).Size;
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

    private static void AddEntryParameters(Func<DbParameter> create, DbParameterCollection parameters, StoredEntry e)
    {
        Add(create, parameters, "idx", e.Index);
        Add(create, parameters, "id", e.NaqilId);
        Add(create, parameters, "leaf", e.LeafHash);
        Add(create, parameters, "entry", e.Encoding);
        Add(create, parameters, "at", e.Time.ToUnixTimeMilliseconds());
    }

    private static void AddNodeParameters(Func<DbParameter> create, DbParameterCollection parameters, StoredNode node)
    {
        Add(create, parameters, "height", node.Height);
        Add(create, parameters, "start", node.Start);
        Add(create, parameters, "hash", node.Hash);
    }

    /// <summary>
    /// The stored nodes the batch completes, grown from the stored frontier; and a check that the
    /// caller's new state is that frontier with the batch's leaves appended, so the nodes and the
    /// state can never disagree.
    /// </summary>
    private static List<StoredNode> CompletedNodes(TreeState before, IReadOnlyList<StoredEntry> entries, TreeState after)
    {
        var builder = MerkleTreeBuilder.FromFrontier(before.Size, before.Frontier);
        var nodes = new List<StoredNode>();
        foreach (var e in entries)
        {
            StoredNodes.Append(builder, e.LeafHash, nodes);
        }

        if (!SameFrontier(builder.Frontier, after.Frontier))
        {
            throw new ArgumentException($"the tree state of size {after.Size} is not the stored tree of size {before.Size} with the batch's leaves appended", nameof(after));
        }

        return nodes;
    }

    private static bool SameFrontier(IReadOnlyList<byte[]> grown, IReadOnlyList<byte[]> given)
    {
        if (grown.Count != given.Count)
        {
            return false;
        }

        for (var i = 0; i < grown.Count; i++)
        {
            if (!grown[i].AsSpan().SequenceEqual(given[i]))
            {
                return false;
            }
        }

        return true;
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

    /// <summary>
    /// The writer's connection and its append statements, prepared once and reused batch after
    /// batch: on SQLite a batch then costs its inserts and one fsync, with no parsing or pragmas.
    /// </summary>
    private sealed class WriterSession(DbConnection connection) : IDisposable
    {
        private DbCommand? _advanceState;
        private DbCommand? _insertEntry;
        private DbCommand? _insertBodies;
        private DbCommand? _insertNode;

        /// <summary>
        /// Writes the batch and moves the state in one transaction; false, with nothing committed,
        /// when the stored state is not where the batch starts.
        /// </summary>
        public async Task<bool> AppendAsync(DbMessageLogStore store, IReadOnlyList<StoredEntry> entries, long first, TreeState state, TreeState? committed, CancellationToken cancellationToken)
        {
            await store.BeforeWriteAsync(connection, cancellationToken);
            await using var transaction = await store.BeginWriteAsync(connection, cancellationToken);

            // The frontier the batch grows from: the one this writer committed last, else read (once
            // after opening, or after another session wrote). On PostgreSQL the read may be stale by
            // the time the batch runs; the state's guarded update then refuses the batch.
            var before = committed?.Size == first ? committed : await DbMessageLogStore.LoadStateAsync(connection, transaction, cancellationToken);
            if (before.Size != first)
            {
                return false;
            }

            var nodes = CompletedNodes(before, entries, state);
            var frontier = Concat(state.Frontier);
            if (connection.CanCreateBatch)
            {
                // PostgreSQL: the state's update and every insert in one round trip, then the commit.
                if (!await AdvanceAndInsertAsBatchAsync(transaction, entries, nodes, first, state.Size, frontier, cancellationToken))
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

                foreach (var node in nodes)
                {
                    var insertNode = Prepare(ref _insertNode, DbMessageLogStore.InsertNodeSql, transaction, "@height", "@start", "@hash");
                    Set(insertNode, node.Height, node.Start, node.Hash);
                    await insertNode.ExecuteNonQueryAsync(cancellationToken);
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
            _insertNode?.Dispose();
            connection.Dispose();
        }

        /// <summary>
        /// One round trip for the state's update and the whole batch where the driver can
        /// (PostgreSQL). The update goes first, so it takes the state row's lock before any insert.
        /// </summary>
        private async Task<bool> AdvanceAndInsertAsBatchAsync(DbTransaction transaction, IReadOnlyList<StoredEntry> entries, List<StoredNode> nodes, long first, long size, byte[] frontier, CancellationToken cancellationToken)
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

            foreach (var n in nodes)
            {
                var node = batch.CreateBatchCommand();
                node.CommandText = DbMessageLogStore.InsertNodeSql;
                AddNodeParameters(node.CreateParameter, node.Parameters, n);
                batch.BatchCommands.Add(node);
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

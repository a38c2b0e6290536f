using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Naqil.Gateway.MessageLog;
using Naqil.Gateway.Storage;
using Naqil.MessageLog;
using Npgsql;
using Naqil.Tests.Shared;

namespace Naqil.Gateway.Tests.MessageLog;

/// <summary>What every <see cref="IMessageLogStore"/> must do; each store derives from this class.</summary>
public abstract partial class MessageLogStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 4, 10, 0, 0, TimeSpan.Zero);

    private IMessageLogStore _store = null!;

    private protected IMessageLogStore Store => _store;

    private protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public virtual async ValueTask InitializeAsync()
    {
        _store = await OpenAsync();
    }

    public virtual ValueTask DisposeAsync()
    {
        _store?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Opens (and initialises) the store under test; a second call opens the same data afresh.</summary>
    private protected abstract Task<IMessageLogStore> OpenAsync();

    /// <summary>Reads one value from the store's database past the store, on a connection of its own; null when there is no row.</summary>
    private protected abstract Task<object?> ReadScalarAsync(string sql);

    /// <summary>Runs a statement on the store's database past the store, as an older build or an intruder would.</summary>
    private protected abstract Task ExecuteSqlAsync(string sql);

    [Fact]
    public async Task EmptyStore_HasSizeZeroAndNoHeads()
    {
        var state = await Store.LoadStateAsync(Ct);

        Assert.Equal(0, state.Size);
        Assert.Empty(state.Frontier);
        Assert.Null(await Store.LatestTreeHeadAsync(Ct));
        Assert.Empty(await Store.ReadEntriesAsync(0, 10, Ct));
    }

    [Fact]
    public async Task Append_Batches_AreReadBackInOrderWithTheirState()
    {
        var builder = new MerkleTreeBuilder();
        var first = await AppendAsync(builder, 3);
        var second = await AppendAsync(builder, 5);

        var state = await Store.LoadStateAsync(Ct);
        var entries = await Store.ReadEntriesAsync(0, 100, Ct);
        var leaves = await Store.ReadLeavesAsync(2, 6, Ct);

        Assert.Equal(8, state.Size);
        Assert.Equal(builder.ComputeRoot(), MerkleTreeBuilder.FromFrontier(state.Size, state.Frontier).ComputeRoot());
        Assert.Equal([.. first, .. second], entries.Select(e => (e.Index, e.Encoding, e.LeafHash)).ToList(), new EntryComparer());
        Assert.Equal([2, 3, 4, 5], leaves.Select(l => l.Index));
        Assert.Equal(entries[3].LeafHash, leaves[1].LeafHash);
        Assert.Equal(T0.AddSeconds(4), entries[4].Time);
    }

    [Fact]
    public async Task Append_NotFollowingTheStoredSize_IsRefusedAndWritesNothing()
    {
        var builder = new MerkleTreeBuilder();
        await AppendAsync(builder, 2);
        var stray = Entry(5);
        var state = new TreeState(6, [new byte[32], new byte[32]]);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.AppendAsync([stray], state, Ct));

        Assert.Equal(2, (await Store.LoadStateAsync(Ct)).Size);
        Assert.Empty(await Store.ReadEntriesAsync(2, 10, Ct));
    }

    [Fact]
    public async Task Append_ToAnEmptyStore_NotStartingAtZero_IsRefusedAndWritesNothing()
    {
        var stray = Entry(3);

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.AppendAsync([stray], new TreeState(4, [new byte[32]]), Ct));

        Assert.Contains("holds 0 entries; a batch starting at 3 cannot follow", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await Store.LoadStateAsync(Ct)).Size);
        Assert.Empty(await Store.ReadEntriesAsync(0, 10, Ct));
    }

    [Fact]
    public async Task Append_OverlappingStoredEntries_IsRefusedWithTheStoredSize_AndKeepsThem()
    {
        var builder = new MerkleTreeBuilder();
        var stored = await AppendAsync(builder, 3);
        var overlapping = Entry(1, "/persons/other");

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.AppendAsync([overlapping], new TreeState(2, [new byte[32]]), Ct));

        Assert.Contains("holds 3 entries; a batch starting at 1 cannot follow", refusal.Message, StringComparison.Ordinal);
        var state = await Store.LoadStateAsync(Ct);
        Assert.Equal(3, state.Size);
        Assert.Equal(builder.Frontier, state.Frontier, new ByteArrayComparer());
        var read = await Store.ReadEntriesAsync(0, 10, Ct);
        Assert.Equal(stored, read.Select(e => (e.Index, e.Encoding, e.LeafHash)), new EntryComparer());
    }

    [Fact]
    public async Task TwoWritersOnOneStore_RacingForTheSameIndices_OneLandsAndTheOtherIsRefused()
    {
        var builder = new MerkleTreeBuilder();
        await AppendAsync(builder, 2);
        using var second = await OpenAsync();
        var ours = Batch(builder, "/persons/ours");
        var theirs = Batch(builder, "/persons/theirs");

        var results = await Task.WhenAll(
            Attempt(Store, ours.Entries, ours.State),
            Attempt(second, theirs.Entries, theirs.State));

        Assert.Single(results, r => r is null);
        Assert.IsType<InvalidOperationException>(Assert.Single(results, r => r is not null));
        var winner = results[0] is null ? ours : theirs;
        var read = await Store.ReadEntriesAsync(0, 10, Ct);
        Assert.Equal(4, read.Count);
        Assert.Equal(winner.Entries.Select(e => e.Encoding), read.Skip(2).Select(e => e.Encoding), new ByteArrayComparer());
        Assert.Equal(4, (await Store.LoadStateAsync(Ct)).Size);

        static (List<StoredEntry> Entries, TreeState State) Batch(MerkleTreeBuilder stored, string path)
        {
            var builder = new MerkleTreeBuilder();
            foreach (var leaf in Enumerable.Range(0, (int)stored.Size).Select(i => Entry(i).LeafHash))
            {
                builder.Append(leaf);
            }

            var entries = new List<StoredEntry> { Entry(2, path), Entry(3, path) };
            entries.ForEach(e => builder.Append(e.LeafHash));
            return (entries, new TreeState(builder.Size, builder.Frontier));
        }

        static async Task<Exception?> Attempt(IMessageLogStore store, List<StoredEntry> entries, TreeState state)
        {
            try
            {
                await store.AppendAsync(entries, state, Ct);
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        }
    }

    [Fact]
    public async Task Reopen_KeepsEntriesStateHeadsAndTimestamps()
    {
        var builder = new MerkleTreeBuilder();
        await AppendAsync(builder, 4);
        var head = Head(4, builder.ComputeRoot());
        await Store.AddTreeHeadAsync(head, Ct);
        await Store.AddTimestampAsync(new StoredTimestamp(4, [1, 2, 3], "tsa", T0), Ct);
        Store.Dispose();

        _store = await OpenAsync();

        Assert.Equal(4, (await Store.LoadStateAsync(Ct)).Size);
        Assert.Equal(4, (await Store.ReadEntriesAsync(0, 10, Ct)).Count);
        Assert.Equal(head.SignedHead.Encode(), (await Store.LatestTreeHeadAsync(Ct))!.SignedHead.Encode());
        Assert.Single(await Store.TimestampsAsync(0, 10, Ct));
    }

    [Fact]
    public async Task TreeHeads_LatestAndRange_AndASecondHeadOfTheSameSizeIsIgnored()
    {
        foreach (var size in new long[] { 1, 5, 9 })
        {
            await Store.AddTreeHeadAsync(Head(size, SHA256.HashData(BitConverter.GetBytes(size))), Ct);
        }

        await Store.AddTreeHeadAsync(Head(5, new byte[32]), Ct);

        Assert.Equal(9, (await Store.LatestTreeHeadAsync(Ct))!.TreeSize);
        var range = await Store.TreeHeadsAsync(2, 9, Ct);
        Assert.Equal([5, 9], range.Select(h => h.TreeSize));
        Assert.Equal(SHA256.HashData(BitConverter.GetBytes(5L)), range[0].SignedHead.Head.RootHash.ToArray());
        Assert.Equal("signer", range[0].SignerThumbprint);
    }

    [Fact]
    public async Task Timestamps_AreListedBySize()
    {
        await Store.AddTimestampAsync(new StoredTimestamp(9, [9], "tsa-b", T0.AddMinutes(2)), Ct);
        await Store.AddTimestampAsync(new StoredTimestamp(3, [3], "tsa-a", T0.AddMinutes(1)), Ct);

        var all = await Store.TimestampsAsync(0, long.MaxValue, Ct);
        var later = await Store.TimestampsAsync(4, long.MaxValue, Ct);

        Assert.Equal([3, 9], all.Select(t => t.TreeSize));
        Assert.Equal([3], all[0].Token);
        Assert.Equal("tsa-b", Assert.Single(later).TsaThumbprint);
        Assert.Equal(T0.AddMinutes(2), later[0].GenTime);
    }

    [Fact]
    public async Task Bodies_AreKeptAndPurgedByAge_WhileEntriesStay()
    {
        var builder = new MerkleTreeBuilder();
        var entries = Enumerable.Range(0, 3).Select(i => Entry(i) with
        {
            Bodies = i == 2 ? new StoredBodies(7, 9, null, null, false) : new StoredBodies(1, 2, [(byte)i, 1], [(byte)i, 2, 3], false),
        }).ToList();
        foreach (var e in entries)
        {
            builder.Append(e.LeafHash);
        }

        await Store.AppendAsync(entries, new TreeState(builder.Size, builder.Frontier), Ct);

        var purged = await Store.PurgeBodiesAsync(T0.AddSeconds(1).AddMilliseconds(1), Ct);

        Assert.Equal(2, purged);
        var old = await Store.ReadBodiesAsync(0, Ct);
        var metadata = await Store.ReadBodiesAsync(2, Ct);
        Assert.True(old!.Purged);
        Assert.Null(old.Ciphertext);
        Assert.Equal((1, 2), (old.RequestLength, old.ResponseLength));
        Assert.False(metadata!.Purged);
        Assert.Equal((7, 9), (metadata.RequestLength, metadata.ResponseLength));
        Assert.Equal(3, (await Store.ReadEntriesAsync(0, 3, Ct)).Count);
        Assert.Equal(0, await Store.PurgeBodiesAsync(T0.AddDays(1), Ct));
    }

    [Fact]
    public async Task LeafHashes_BackProofsThatVerifyAgainstTheRoot()
    {
        var builder = new MerkleTreeBuilder();
        for (var i = 0; i < 4; i++)
        {
            await AppendAsync(builder, 77);
        }

        var source = new StoreLeafHashSource(Store, builder.Size);
        var entries = await Store.ReadEntriesAsync(0, builder.Size, Ct);
        var root = builder.ComputeRoot();
        var inclusion = MerkleProofs.CreateInclusionProof(source, 200, builder.Size);
        var oldRoot = MerkleTree.ComputeRoot(source, 100);
        var consistency = MerkleProofs.CreateConsistencyProof(source, 100, builder.Size);

        Assert.True(MerkleProofs.VerifyInclusion(entries[200].LeafHash, 200, builder.Size, inclusion, root));
        Assert.True(MerkleProofs.VerifyConsistency(100, builder.Size, oldRoot, root, consistency));
    }

    [Fact]
    public async Task Append_StoresTheRootOfEveryCompleteAlignedSubtreeOf16LeavesOrMore_AndNoOther()
    {
        var builder = new MerkleTreeBuilder();
        var random = new Random(17);
        while (builder.Size < 700)
        {
            await AppendAsync(builder, random.Next(1, 40));
        }

        var leaves = await LeavesAsync(builder.Size);
        var node = new byte[32];
        for (var height = 0; 1L << height <= 2 * builder.Size; height++)
        {
            var size = 1L << height;
            for (long start = 0; start + size <= builder.Size + size; start += size)
            {
                var complete = start + size <= builder.Size;
                var stored = Store.TryReadNode(height, start, node);
                Assert.True(stored == (complete && height >= StoredNodes.MinHeight), $"height {height} at {start}: stored {stored}");
                if (stored)
                {
                    Assert.Equal(MerkleTree.ComputeRoot(leaves[(int)start..(int)(start + size)]), node);
                }
            }
        }
    }

    [Fact]
    public async Task Proofs_FromStoredNodes_AreThoseComputedFromTheLeaves_AtRandomSizes_AndReadLogarithmicallyManyRows()
    {
        var builder = new MerkleTreeBuilder();
        var random = new Random(9162);
        while (builder.Size < 3000)
        {
            await AppendAsync(builder, random.Next(1, 120));
        }

        var leaves = await LeavesAsync(builder.Size);
        for (var i = 0; i < 60; i++)
        {
            var size = random.NextInt64(1, builder.Size + 1);
            var index = random.NextInt64(0, size);
            var first = random.NextInt64(1, size + 1);
            var inclusion = new StoreLeafHashSource(Store, size);
            var consistency = new StoreLeafHashSource(Store, size);

            Assert.Equal(MerkleProofs.CreateInclusionProof(leaves, index, size), MerkleProofs.CreateInclusionProof(inclusion, index, size));
            Assert.Equal(MerkleProofs.CreateConsistencyProof(leaves, first, size), MerkleProofs.CreateConsistencyProof(consistency, first, size));
            Assert.Equal(0, inclusion.NodesMissing + consistency.NodesMissing);
            var bound = RowBound(size);
            Assert.True(inclusion.RowsRead <= bound, $"inclusion of {index} in {size}: {inclusion.RowsRead} rows");
            Assert.True(consistency.RowsRead <= bound, $"consistency {first} to {size}: {consistency.RowsRead} rows");
        }
    }

    [Fact]
    public async Task Append_StateThatIsNotTheStoredTreeWithTheBatchAppended_IsRefusedAndWritesNothing()
    {
        var builder = new MerkleTreeBuilder();
        await AppendAsync(builder, 15);
        var next = Entry(15);
        var forged = MerkleTreeBuilder.FromFrontier(builder.Size, builder.Frontier);
        forged.Append(new byte[32]);

        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendAsync([next], new TreeState(forged.Size, forged.Frontier), Ct));

        Assert.Equal(15, (await Store.LoadStateAsync(Ct)).Size);
        Assert.Empty(await Store.ReadEntriesAsync(15, 16, Ct));
        Assert.False(Store.TryReadNode(StoredNodes.MinHeight, 0, new byte[32]));
    }

    [Fact]
    public async Task Proofs_NodesMissing_AreComputedFromTheLeaves()
    {
        var builder = new MerkleTreeBuilder();
        await AppendAsync(builder, 1000);
        var leaves = await LeavesAsync(builder.Size);
        await ExecuteSqlAsync("DELETE FROM log_nodes WHERE height >= 6");

        var source = new StoreLeafHashSource(Store, 999);
        var proof = MerkleProofs.CreateInclusionProof(source, 3, 999);

        Assert.Equal(MerkleProofs.CreateInclusionProof(leaves, 3, 999), proof);
        Assert.True(source.NodesMissing > 0);
        Assert.True(source.LeavesRead > 800, $"read {source.LeavesRead} leaves");
    }

    [Fact]
    public async Task Open_LogWrittenBeforeNodesWereStored_CompletesThem_AndAnswersTheSameProofs()
    {
        var builder = new MerkleTreeBuilder();
        for (var i = 0; i < 5; i++)
        {
            await AppendAsync(builder, 777);
        }

        var leaves = await LeavesAsync(builder.Size);
        Store.Dispose();
        await ExecuteSqlAsync("DROP TABLE log_nodes");

        _store = await OpenAsync();
        await AppendAsync(builder, 100);
        leaves = [.. leaves, .. (await Store.ReadEntriesAsync(leaves.Count, builder.Size, Ct)).Select(e => e.LeafHash)];

        var node = new byte[32];
        Assert.True(Store.TryReadNode(StoredNodes.MinHeight, 0, node));
        Assert.True(Store.TryReadNode(11, 0, node));
        Assert.Equal(MerkleTree.ComputeRoot(leaves[..2048]), node);
        Assert.True(Store.TryReadNode(10, 2048, node));
        Assert.Equal(MerkleTree.ComputeRoot(leaves[2048..3072]), node);
        Assert.True(Store.TryReadNode(StoredNodes.MinHeight, builder.Size - (builder.Size % 16) - 16, node));
        var inclusion = new StoreLeafHashSource(Store, builder.Size);
        var consistency = new StoreLeafHashSource(Store, builder.Size);
        Assert.Equal(MerkleProofs.CreateInclusionProof(leaves, 1234, builder.Size), MerkleProofs.CreateInclusionProof(inclusion, 1234, builder.Size));
        Assert.Equal(MerkleProofs.CreateConsistencyProof(leaves, 3001, builder.Size), MerkleProofs.CreateConsistencyProof(consistency, 3001, builder.Size));
        Assert.Equal(0, inclusion.NodesMissing + consistency.NodesMissing);
        Assert.True(inclusion.RowsRead <= RowBound(builder.Size), $"{inclusion.RowsRead} rows");
    }

    [Fact]
    public async Task Find_ByNaqilId_AndFirstIndexByTime()
    {
        var builder = new MerkleTreeBuilder();
        await AppendAsync(builder, 6);

        Assert.Equal([3], await Store.FindAsync(Id(3), Ct));
        Assert.Empty(await Store.FindAsync(Id(42), Ct));
        Assert.Equal(2, await Store.FirstIndexAtOrAfterAsync(T0.AddSeconds(1.5), Ct));
        Assert.Equal(6, await Store.FirstIndexAtOrAfterAsync(T0.AddDays(1), Ct));
    }

    [Fact]
    public async Task Certificates_PutTwice_KeepsTheFirst()
    {
        await Store.PutCertificateAsync("abc", [1, 2], Ct);
        await Store.PutCertificateAsync("abc", [3], Ct);

        Assert.Equal([1, 2], await Store.GetCertificateAsync("abc", Ct));
        Assert.Null(await Store.GetCertificateAsync("def", Ct));
    }

    [Fact]
    public async Task Certificates_ListsEveryKeptOneOnce()
    {
        await Store.PutCertificateAsync("abc", [1, 2], Ct);
        await Store.PutCertificateAsync("0bc", [4], Ct);
        await Store.PutCertificateAsync("abc", [3], Ct);

        var all = await Store.CertificatesAsync(Ct);

        Assert.Equal([[4], [1, 2]], all);
    }

    [Fact]
    public async Task Probe_WritesItsTimeAndLeavesTheLogAlone()
    {
        var builder = new MerkleTreeBuilder();
        var appended = await AppendAsync(builder, 2);

        await Store.ProbeAsync(T0, Ct);
        await Store.ProbeAsync(T0.AddSeconds(1), Ct);

        // Read on a connection of its own: the probe's write was committed, and the second replaced the first.
        Assert.Equal(T0.AddSeconds(1).ToUnixTimeMilliseconds(), await ReadProbeTimeAsync());
        Assert.Equal(2, (await Store.LoadStateAsync(Ct)).Size);
        Assert.Equal(appended, (await Store.ReadEntriesAsync(0, 10, Ct)).Select(e => (e.Index, e.Encoding, e.LeafHash)).ToList(), new EntryComparer());
    }

    /// <summary>The time the last probe wrote (Unix milliseconds); null when none was.</summary>
    private async Task<long?> ReadProbeTimeAsync() => await ReadScalarAsync("SELECT at FROM log_probe WHERE id = 1") is long at ? at : null;

    private async Task<List<(long, byte[], byte[])>> AppendAsync(MerkleTreeBuilder builder, int count)
    {
        var entries = new List<StoredEntry>();
        for (var i = 0; i < count; i++)
        {
            var entry = Entry(builder.Size);
            builder.Append(entry.LeafHash);
            entries.Add(entry);
        }

        await Store.AppendAsync(entries, new TreeState(builder.Size, builder.Frontier), Ct);
        return entries.Select(e => (e.Index, e.Encoding, e.LeafHash)).ToList();
    }

    /// <summary>
    /// What a proof may read: two stored nodes per level of 16 leaves or more, and the leaves of
    /// the subtrees under 16 on two paths (15 each).
    /// </summary>
    private static long RowBound(long size) =>
        (2 * Math.Max(0, (64 - long.LeadingZeroCount(size - 1)) - StoredNodes.MinHeight)) + (2 * (StoredNodes.MinSize - 1));

    private async Task<List<byte[]>> LeavesAsync(long size) =>
        [.. (await Store.ReadEntriesAsync(0, size, Ct)).Select(e => e.LeafHash)];

    private static string Id(long index) => new Guid((int)index, 0, 0, new byte[8]).ToString("D");

    private static StoredEntry Entry(long index, string? path = null)
    {
        var time = T0.AddSeconds(index);
        var entry = SampleLog.Entry(path ?? $"/persons/{index}", time, Id(index));
        var encoding = LogEntryEncoding.Encode(index, entry);
        return new StoredEntry(index, LogEntryEncoding.LeafHash(encoding), encoding, time, entry.NaqilId);
    }

    private static StoredTreeHead Head(long size, byte[] root) =>
        new(new SignedTreeHead(new TreeHead(size, root, T0.AddSeconds(size)), new byte[64]), "signer");

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => obj.Length;
    }

    private sealed class EntryComparer : IEqualityComparer<(long Index, byte[] Encoding, byte[] Leaf)>
    {
        public bool Equals((long Index, byte[] Encoding, byte[] Leaf) x, (long Index, byte[] Encoding, byte[] Leaf) y) =>
            x.Index == y.Index && x.Encoding.AsSpan().SequenceEqual(y.Encoding) && x.Leaf.AsSpan().SequenceEqual(y.Leaf);

        public int GetHashCode((long Index, byte[] Encoding, byte[] Leaf) obj) => obj.Index.GetHashCode();
    }
}

public sealed class SqliteMessageLogStoreTests : MessageLogStoreContract, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("naqil-log-").FullName;

    private protected override async Task<IMessageLogStore> OpenAsync()
    {
        var store = new SqliteMessageLogStore(Path.Combine(_directory, "messagelog.db"));
        await store.InitializeAsync(Ct);
        return store;
    }

    private protected override async Task<object?> ReadScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "messagelog.db")};Pooling=false");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(Ct) is { } value and not DBNull ? value : null;
    }

    private protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "messagelog.db")};Pooling=false");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

public sealed class PostgresMessageLogStoreTests : MessageLogStoreContract
{
    private readonly string _database = $"naqil_log_{Guid.NewGuid():N}";
    private string? _connectionString;

    public override async ValueTask InitializeAsync()
    {
        _connectionString = await TestPostgres.CreateDatabaseAsync(_database);
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(_database);
    }

    private protected override async Task<IMessageLogStore> OpenAsync()
    {
        var store = new PostgresMessageLogStore(_connectionString!);
        await store.InitializeAsync(Ct);
        return store;
    }

    private protected override async Task<object?> ReadScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(Ct) is { } value and not DBNull ? value : null;
    }

    private protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }
}

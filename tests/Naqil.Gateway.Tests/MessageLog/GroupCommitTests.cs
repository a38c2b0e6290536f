using Naqil.Gateway.MessageLog;
using Naqil.Gateway.Storage;
using Naqil.MessageLog;

namespace Naqil.Gateway.Tests.MessageLog;

/// <summary>
/// Group commit in <see cref="MerkleMessageLog"/>: a lone append is written at once, appends that
/// arrive while a write is in progress are committed together by the next write (never more than
/// MaxBatch per transaction), and every append is answered only after its batch committed.
/// </summary>
public sealed class GroupCommitTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("naqil-groupcommit-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task LoneAppends_AreEachCommittedBeforeTheyReturn()
    {
        using var store = new GatedStore(new SqliteMessageLogStore(Path.Combine(_folder, "log.db")));
        var log = await OpenAsync(store, maxBatch: 1024);

        for (var i = 0; i < 5; i++)
        {
            Assert.True(await log.AppendAsync(Entry(i), default, default, Ct));
            Assert.Equal(i + 1, (await store.LoadStateAsync(Ct)).Size);
        }

        Assert.Equal([1, 1, 1, 1, 1], store.BatchSizes);
        await log.StopAsync(Ct);
    }

    [Theory]
    [InlineData(1024, new[] { 1, 99 })]
    [InlineData(40, new[] { 1, 40, 40, 19 })]
    public async Task AppendsDuringAWrite_AreCommittedTogether_InBatchesOfAtMostMaxBatch(int maxBatch, int[] expectedBatches)
    {
        using var store = new GatedStore(new SqliteMessageLogStore(Path.Combine(_folder, "log.db")));
        var log = await OpenAsync(store, maxBatch);
        store.Hold();

        var first = log.AppendAsync(Entry(0), default, default, Ct);
        await store.Entered.WaitAsync(Ct);
        var rest = Enumerable.Range(1, 99).Select(i => log.AppendAsync(Entry(i), default, default, Ct)).ToList();
        Assert.All(rest, t => Assert.False(t.IsCompleted));
        store.Release();

        Assert.True(await first);
        Assert.All(await Task.WhenAll(rest), Assert.True);
        Assert.Equal(expectedBatches, store.BatchSizes);

        // Every entry is stored once, at consecutive indices, and the stored frontier is the tree of those leaves.
        var stored = await store.ReadEntriesAsync(0, 100, Ct);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), stored.Select(e => e.Index));
        Assert.Equal(100, stored.Select(e => e.NaqilId).Distinct().Count());
        var tree = new MerkleTreeBuilder();
        foreach (var entry in stored)
        {
            tree.Append(entry.LeafHash);
        }

        var state = await store.LoadStateAsync(Ct);
        Assert.Equal(tree.ComputeRoot(), MerkleTreeBuilder.FromFrontier(state.Size, state.Frontier).ComputeRoot());
        Assert.Equal(tree.ComputeRoot(), log.Committed!.RootHash);
        await log.StopAsync(Ct);
    }

    [Fact]
    public async Task Stop_WaitsForQueuedAppends_ThenRefusesNewOnes()
    {
        using var store = new GatedStore(new SqliteMessageLogStore(Path.Combine(_folder, "log.db")));
        var log = await OpenAsync(store, maxBatch: 1024);
        store.Hold();

        var first = log.AppendAsync(Entry(0), default, default, Ct);
        await store.Entered.WaitAsync(Ct);
        var second = log.AppendAsync(Entry(1), default, default, Ct);
        var stop = log.StopAsync(Ct);
        Assert.False(stop.IsCompleted);
        Assert.False(await log.AppendAsync(Entry(2), default, default, Ct));
        store.Release();

        await stop;
        Assert.True(await first);
        Assert.True(await second);
        Assert.Equal(2, (await store.LoadStateAsync(Ct)).Size);
    }

    private Task<MerkleMessageLog> OpenAsync(IMessageLogStore store, int maxBatch) => SampleLog.OpenAsync(store, _folder, maxBatch, Ct);

    private static LogEntry Entry(int i) => SampleLog.Entry($"/persons/{i}", DateTimeOffset.UnixEpoch.AddSeconds(i));

    /// <summary>A real store whose appends can be held at the door, counting the entries of each batch.</summary>
    private sealed class GatedStore(IMessageLogStore inner) : IMessageLogStore
    {
        private readonly List<int> _batches = [];
        private TaskCompletionSource? _gate;
        private TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int[] BatchSizes
        {
            get
            {
                lock (_batches)
                {
                    return [.. _batches];
                }
            }
        }

        public Task Entered => _entered.Task;

        public string Kind => inner.Kind;

        public void Hold()
        {
            _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public void Release() => _gate?.TrySetResult();

        public async Task AppendAsync(IReadOnlyList<StoredEntry> entries, TreeState state, CancellationToken cancellationToken)
        {
            lock (_batches)
            {
                _batches.Add(entries.Count);
            }

            _entered.TrySetResult();
            if (_gate is { } gate)
            {
                await gate.Task;
            }

            await inner.AppendAsync(entries, state, cancellationToken);
        }

        public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

        public Task<TreeState> LoadStateAsync(CancellationToken cancellationToken) => inner.LoadStateAsync(cancellationToken);

        public Task ProbeAsync(DateTimeOffset now, CancellationToken cancellationToken) => inner.ProbeAsync(now, cancellationToken);

        public Task MaintainAsync(CancellationToken cancellationToken) => inner.MaintainAsync(cancellationToken);

        public Task<IReadOnlyList<StoredEntry>> ReadEntriesAsync(long start, long end, CancellationToken cancellationToken) => inner.ReadEntriesAsync(start, end, cancellationToken);

        public Task<IReadOnlyList<IndexedLeaf>> ReadLeavesAsync(long start, long end, CancellationToken cancellationToken) => inner.ReadLeavesAsync(start, end, cancellationToken);

        public void ReadLeafHashes(long start, Span<byte> destination) => inner.ReadLeafHashes(start, destination);

        public bool TryReadNode(int height, long start, Span<byte> destination) => inner.TryReadNode(height, start, destination);

        public Task<IReadOnlyList<long>> FindAsync(string naqilId, CancellationToken cancellationToken) => inner.FindAsync(naqilId, cancellationToken);

        public Task<long> FirstIndexAtOrAfterAsync(DateTimeOffset time, CancellationToken cancellationToken) => inner.FirstIndexAtOrAfterAsync(time, cancellationToken);

        public Task<StoredBodies?> ReadBodiesAsync(long index, CancellationToken cancellationToken) => inner.ReadBodiesAsync(index, cancellationToken);

        public Task<int> PurgeBodiesAsync(DateTimeOffset before, CancellationToken cancellationToken) => inner.PurgeBodiesAsync(before, cancellationToken);

        public Task AddTreeHeadAsync(StoredTreeHead treeHead, CancellationToken cancellationToken) => inner.AddTreeHeadAsync(treeHead, cancellationToken);

        public Task<StoredTreeHead?> LatestTreeHeadAsync(CancellationToken cancellationToken) => inner.LatestTreeHeadAsync(cancellationToken);

        public Task<IReadOnlyList<StoredTreeHead>> TreeHeadsAsync(long minSize, long maxSize, CancellationToken cancellationToken) => inner.TreeHeadsAsync(minSize, maxSize, cancellationToken);

        public Task AddTimestampAsync(StoredTimestamp timestamp, CancellationToken cancellationToken) => inner.AddTimestampAsync(timestamp, cancellationToken);

        public Task<IReadOnlyList<StoredTimestamp>> TimestampsAsync(long minSize, long maxSize, CancellationToken cancellationToken) => inner.TimestampsAsync(minSize, maxSize, cancellationToken);

        public Task PutCertificateAsync(string thumbprint, byte[] der, CancellationToken cancellationToken) => inner.PutCertificateAsync(thumbprint, der, cancellationToken);

        public Task<byte[]?> GetCertificateAsync(string thumbprint, CancellationToken cancellationToken) => inner.GetCertificateAsync(thumbprint, cancellationToken);

        public Task<IReadOnlyList<byte[]>> CertificatesAsync(CancellationToken cancellationToken) => inner.CertificatesAsync(cancellationToken);

        public void Dispose() => inner.Dispose();
    }
}

using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Naqil.Gateway.MessageLog;
using Naqil.Gateway.Storage;
using Naqil.MessageLog;

namespace Naqil.Benchmarks.MessageLog;

/// <summary>
/// An inclusion and a consistency proof served from a real SQLite message log of 10^4 and 10^6
/// entries: from the leaves alone (the baseline, as proofs were served before the store kept
/// subtree roots) and with the stored nodes (<see cref="StoredNodes"/>). The <c>Rows read</c>
/// column counts the leaf and node rows one proof reads. The trees are one size short of the log
/// and the proven entries off any power of two, so the proofs cross the log's ragged right edge.
/// <para>
/// The store is built once per size through the store's batch append (1,000 entries per
/// transaction) and kept in the temporary directory (<c>naqil-bench-proofs-v1-*.db</c>) for the
/// next process and the next run: building 10^6 entries takes a minute or two; delete the files to
/// rebuild.
/// </para>
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ProofBenchmarks
{
    private const int Batch = 1000;

    private SqliteMessageLogStore _store = null!;
    private long _treeSize;
    private long _index;
    private long _firstSize;

    [Params(10_000, 1_000_000)]
    public int Entries { get; set; } = 10_000;

    [GlobalSetup]
    public void Setup()
    {
        Open();

        // Both ways must give the same bytes, or the comparison means nothing.
        if (!Same(InclusionFromLeaves(), InclusionFromStoredNodes()) || !Same(ConsistencyFromLeaves(), ConsistencyFromStoredNodes()))
        {
            throw new InvalidOperationException("proofs from stored nodes differ from proofs from the leaves");
        }
    }

    private void Open()
    {
        _store = OpenOrBuild(Entries);
        _treeSize = Entries - 1;
        _index = (_treeSize * 2 / 3) + 1;
        _firstSize = (_treeSize / 3) + 7;
    }

    [GlobalCleanup]
    public void Cleanup() => _store.Dispose();

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Inclusion")]
    public byte[][] InclusionFromLeaves() => MerkleProofs.CreateInclusionProof(new LeafRows(_store, _treeSize), _index, _treeSize);

    [Benchmark]
    [BenchmarkCategory("Inclusion")]
    public byte[][] InclusionFromStoredNodes() => MerkleProofs.CreateInclusionProof(new StoreLeafHashSource(_store, _treeSize), _index, _treeSize);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Consistency")]
    public byte[][] ConsistencyFromLeaves() => MerkleProofs.CreateConsistencyProof(new LeafRows(_store, _treeSize), _firstSize, _treeSize);

    [Benchmark]
    [BenchmarkCategory("Consistency")]
    public byte[][] ConsistencyFromStoredNodes() => MerkleProofs.CreateConsistencyProof(new StoreLeafHashSource(_store, _treeSize), _firstSize, _treeSize);

    /// <summary>The rows one run of the named benchmark reads, counted by its leaf source.</summary>
    internal long RowsRead(string benchmark)
    {
        var leaves = new LeafRows(_store, _treeSize);
        var nodes = new StoreLeafHashSource(_store, _treeSize);
        _ = benchmark switch
        {
            nameof(InclusionFromLeaves) => MerkleProofs.CreateInclusionProof(leaves, _index, _treeSize),
            nameof(InclusionFromStoredNodes) => MerkleProofs.CreateInclusionProof(nodes, _index, _treeSize),
            nameof(ConsistencyFromLeaves) => MerkleProofs.CreateConsistencyProof(leaves, _firstSize, _treeSize),
            nameof(ConsistencyFromStoredNodes) => MerkleProofs.CreateConsistencyProof(nodes, _firstSize, _treeSize),
            _ => throw new ArgumentException($"no benchmark {benchmark}", nameof(benchmark)),
        };
        return leaves.LeavesRead + nodes.RowsRead;
    }

    private static bool Same(byte[][] a, byte[][] b) => a.Length == b.Length && a.Zip(b).All(p => p.First.AsSpan().SequenceEqual(p.Second));

    private static SqliteMessageLogStore OpenOrBuild(int entries)
    {
        var path = Path.Combine(Path.GetTempPath(), $"naqil-bench-proofs-v1-{entries}.db");
        var store = new SqliteMessageLogStore(path);
        store.InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
        var state = store.LoadStateAsync(CancellationToken.None).GetAwaiter().GetResult();
        if (state.Size == entries)
        {
            return store;
        }

        // Missing or left half-built by an interrupted run: start again.
        store.Dispose();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }

        store = new SqliteMessageLogStore(path);
        store.InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
        var builder = new MerkleTreeBuilder();
        var time = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        while (builder.Size < entries)
        {
            var batch = new List<StoredEntry>(Batch);
            for (var i = 0; i < Batch && builder.Size < entries; i++)
            {
                var index = builder.Size;
                var at = time.AddMilliseconds(index * 10);
                var entry = Entry(index, at);
                var encoding = LogEntryEncoding.Encode(index, entry);
                var leaf = LogEntryEncoding.LeafHash(encoding);
                builder.Append(leaf);
                batch.Add(new StoredEntry(index, leaf, encoding, at, entry.NaqilId));
            }

            store.AppendAsync(batch, new TreeState(builder.Size, builder.Frontier), CancellationToken.None).GetAwaiter().GetResult();
        }

        return store;
    }

    private static LogEntry Entry(long index, DateTimeOffset at) => new()
    {
        Side = "consumer",
        NaqilId = Guid.CreateVersion7(at).ToString("D"),
        Client = "SY/GOV/MOCT/portal",
        Service = "SY/GOV/CIVREG/registry/persons",
        User = "SY-NID:01234567890",
        Purpose = "application-processing",
        Method = "GET",
        Path = $"/persons/{index}",
        Status = 200,
        Outcome = "ok",
        Peer = "SY/GOV/CIVREG/gw1",
        RequestSignatureInput = "naqil=(\"@method\" \"@path\" \"@query\" \"content-digest\" \"naqil-id\");created=1700000000;keyid=\"0123456789abcdef\";alg=\"ecdsa-p256-sha256\";tag=\"naqil-request\"",
        RequestSignature = "naqil=:MEUCIQDx0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghij==:",
        ResponseDigest = "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:",
        Received = at,
        Completed = at,
    };

    /// <summary>The store's leaves and nothing else: proofs as they were served before nodes were stored.</summary>
    private sealed class LeafRows(IMessageLogStore store, long count) : ILeafHashSource
    {
        public long Count => count;

        public long LeavesRead { get; private set; }

        public void ReadLeafHashes(long start, Span<byte> destination)
        {
            store.ReadLeafHashes(start, destination);
            LeavesRead += destination.Length / MerkleTree.HashSize;
        }
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new RowsReadColumn());
    }

    /// <summary>
    /// Rows read per operation. BenchmarkDotNet measures each case in a process of its own, so the
    /// host counts them by running the case once more against the same stored log.
    /// </summary>
    private sealed class RowsReadColumn : IColumn
    {
        public string Id => nameof(RowsReadColumn);

        public string ColumnName => "Rows read";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Leaf and stored-node rows one proof reads from the store";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var benchmarks = new ProofBenchmarks { Entries = (int)benchmarkCase.Parameters[nameof(Entries)]! };
            benchmarks.Open();
            try
            {
                return benchmarks.RowsRead(benchmarkCase.Descriptor.WorkloadMethod.Name).ToString("N0", CultureInfo.InvariantCulture);
            }
            finally
            {
                benchmarks.Cleanup();
            }
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}

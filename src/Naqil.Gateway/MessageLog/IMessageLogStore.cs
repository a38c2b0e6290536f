using Naqil.MessageLog;

namespace Naqil.Gateway.MessageLog;

/// <summary>
/// Where a gateway's message log lives: embedded SQLite or PostgreSQL, with the same behaviour
/// (<c>MessageLogStoreContract</c> in the tests holds both to it). The log itself
/// (<see cref="MerkleMessageLog"/>) is the only writer of entries; every write method is one
/// transaction that is durable when it returns.
/// </summary>
internal interface IMessageLogStore : IDisposable
{
    /// <summary><c>sqlite</c> or <c>postgresql</c>.</summary>
    string Kind { get; }

    /// <summary>
    /// Creates the tables when they do not exist yet, and completes the stored nodes of a log
    /// written before they were kept (<see cref="StoredNodes"/>): an O(n) pass over the leaves,
    /// once.
    /// </summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>The tree as last committed: its size and right frontier, for <see cref="MerkleTreeBuilder.FromFrontier"/>.</summary>
    Task<TreeState> LoadStateAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Writes a batch of consecutive entries (with their bodies), the stored nodes they complete
    /// and the tree state after them in ONE transaction: all or nothing, durable on return. The
    /// first entry's index must be the stored size, and the state's frontier must be the stored
    /// one with the batch's leaves appended (else <see cref="ArgumentException"/>).
    /// </summary>
    Task AppendAsync(IReadOnlyList<StoredEntry> entries, TreeState state, CancellationToken cancellationToken);

    /// <summary>A small durable write, to learn whether the store can be written again.</summary>
    Task ProbeAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Housekeeping off the append path (SQLite: a passive WAL checkpoint); a no-op where the store needs none.</summary>
    Task MaintainAsync(CancellationToken cancellationToken);

    /// <summary>Entries with indices in <c>[start, end)</c>, in index order, without bodies.</summary>
    Task<IReadOnlyList<StoredEntry>> ReadEntriesAsync(long start, long end, CancellationToken cancellationToken);

    /// <summary>Leaf hashes with indices in <c>[start, end)</c> as stored, in index order (a row that is missing is simply absent).</summary>
    Task<IReadOnlyList<IndexedLeaf>> ReadLeavesAsync(long start, long end, CancellationToken cancellationToken);

    /// <summary>Synchronous leaf reads for proof generation (<see cref="ILeafHashSource"/>).</summary>
    void ReadLeafHashes(long start, Span<byte> destination);

    /// <summary>
    /// The stored root of the subtree over leaves <c>[start, start + 2^height)</c>
    /// (<see cref="StoredNodes"/>), for proof generation; false when it is not stored.
    /// </summary>
    bool TryReadNode(int height, long start, Span<byte> destination);

    /// <summary>Indices of the entries recorded for a Naqil-Id on one gateway: one per side for an exchange; an event's publisher entry once per (re)send.</summary>
    Task<IReadOnlyList<long>> FindAsync(string naqilId, CancellationToken cancellationToken);

    /// <summary>The first index whose entry completed at or after <paramref name="time"/>; the stored size when none did.</summary>
    Task<long> FirstIndexAtOrAfterAsync(DateTimeOffset time, CancellationToken cancellationToken);

    Task<StoredBodies?> ReadBodiesAsync(long index, CancellationToken cancellationToken);

    /// <summary>Drops the stored body content of entries completed before <paramref name="before"/>; returns how many.</summary>
    Task<int> PurgeBodiesAsync(DateTimeOffset before, CancellationToken cancellationToken);

    Task AddTreeHeadAsync(StoredTreeHead treeHead, CancellationToken cancellationToken);

    Task<StoredTreeHead?> LatestTreeHeadAsync(CancellationToken cancellationToken);

    /// <summary>Signed tree heads with sizes in <c>[minSize, maxSize]</c>, by size.</summary>
    Task<IReadOnlyList<StoredTreeHead>> TreeHeadsAsync(long minSize, long maxSize, CancellationToken cancellationToken);

    Task AddTimestampAsync(StoredTimestamp timestamp, CancellationToken cancellationToken);

    /// <summary>Timestamp tokens for tree heads with sizes in <c>[minSize, maxSize]</c>, by size.</summary>
    Task<IReadOnlyList<StoredTimestamp>> TimestampsAsync(long minSize, long maxSize, CancellationToken cancellationToken);

    /// <summary>Keeps a certificate (gateway signing, TSA, or a CA above a TSA) by its hex SHA-256 thumbprint; a second put is a no-op.</summary>
    Task PutCertificateAsync(string thumbprint, byte[] der, CancellationToken cancellationToken);

    Task<byte[]?> GetCertificateAsync(string thumbprint, CancellationToken cancellationToken);

    /// <summary>Every kept certificate (a handful: signing keys, TSAs and their CAs), for building a TSA's chain.</summary>
    Task<IReadOnlyList<byte[]>> CertificatesAsync(CancellationToken cancellationToken);
}

/// <summary>The Merkle tree as committed: size and right frontier.</summary>
internal sealed record TreeState(long Size, IReadOnlyList<byte[]> Frontier);

internal sealed record IndexedLeaf(long Index, byte[] LeafHash);

/// <summary>One stored entry: its index, leaf hash, canonical encoding and completion time, and on append its bodies.</summary>
internal sealed record StoredEntry(long Index, byte[] LeafHash, byte[] Encoding, DateTimeOffset Time, string NaqilId)
{
    public StoredBodies? Bodies { get; init; }
}

/// <summary>
/// What the body policy kept of an exchange's bodies: their lengths, and under <c>full</c> the
/// AES-256-GCM ciphertext (request length, request, response; tag appended) and its 96-bit
/// nonce, until retention purges them.
/// </summary>
internal sealed record StoredBodies(long RequestLength, long ResponseLength, byte[]? Nonce, byte[]? Ciphertext, bool Purged);

/// <summary>A signed tree head and the thumbprint of the certificate whose key signed it.</summary>
internal sealed record StoredTreeHead(SignedTreeHead SignedHead, string SignerThumbprint)
{
    public long TreeSize => SignedHead.Head.TreeSize;
}

/// <summary>An RFC 3161 token over a signed tree head's encoding, the TSA certificate's thumbprint and the token's time.</summary>
internal sealed record StoredTimestamp(long TreeSize, byte[] Token, string TsaThumbprint, DateTimeOffset GenTime);

namespace Naqil.MessageLog;

/// <summary>
/// Leaf hashes of a Merkle log, read by index, so proofs can be generated over a log that does not
/// fit in memory. A store implements it over its leaf table and may answer
/// <see cref="TryGetSubtreeHash"/> from a cache of perfect subtree roots, which turns the O(n)
/// hashing of a proof into O(log² n) lookups.
/// </summary>
public interface ILeafHashSource
{
    /// <summary>The number of leaves available (leaf indices 0 to <c>Count - 1</c>).</summary>
    long Count { get; }

    /// <summary>
    /// Copies the leaf hashes <c>[start, start + destination.Length / 32)</c> into
    /// <paramref name="destination"/>, 32 bytes each, in index order. Callers ask for at most
    /// <see cref="MerkleTree.MaxLeavesPerRead"/> leaves at a time and never past <see cref="Count"/>.
    /// </summary>
    void ReadLeafHashes(long start, Span<byte> destination);

    /// <summary>
    /// Optionally supplies a cached root of the perfect subtree covering the leaves
    /// <c>[start, start + size)</c>, where <paramref name="size"/> is a power of two and
    /// <paramref name="start"/> a multiple of it. Return false to have it computed from the leaves.
    /// </summary>
    bool TryGetSubtreeHash(long start, long size, Span<byte> destination) => false;
}

namespace Naqil.MessageLog;

/// <summary>An <see cref="ILeafHashSource"/> over a list of 32-byte leaf hashes held in memory.</summary>
internal sealed class InMemoryLeafHashSource(IReadOnlyList<byte[]> leafHashes) : ILeafHashSource
{
    public long Count => leafHashes.Count;

    public void ReadLeafHashes(long start, Span<byte> destination)
    {
        var count = destination.Length / MerkleTree.HashSize;
        for (var i = 0; i < count; i++)
        {
            var leaf = leafHashes[checked((int)(start + i))];
            if (leaf is null || leaf.Length != MerkleTree.HashSize)
            {
                throw new ArgumentException($"Leaf hash {start + i} is not {MerkleTree.HashSize} bytes.", nameof(leafHashes));
            }

            leaf.CopyTo(destination.Slice(i * MerkleTree.HashSize, MerkleTree.HashSize));
        }
    }
}

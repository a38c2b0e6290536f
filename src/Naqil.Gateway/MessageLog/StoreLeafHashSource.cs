using System.Numerics;
using Naqil.MessageLog;

namespace Naqil.Gateway.MessageLog;

/// <summary>
/// The stored leaves of the first <paramref name="count"/> entries, for proof generation, with the
/// store's subtree roots (<see cref="StoredNodes"/>) in place of the leaves beneath them. Counts the
/// rows it reads. A root the store does not hold yet is computed from its leaves, as before nodes
/// were kept. One proof at a time: the counters are not thread-safe.
/// </summary>
internal sealed class StoreLeafHashSource(IMessageLogStore store, long count) : ILeafHashSource
{
    public long Count => count;

    /// <summary>Leaf rows read so far.</summary>
    public long LeavesRead { get; private set; }

    /// <summary>Stored node rows read so far.</summary>
    public long NodesRead { get; private set; }

    /// <summary>Node lookups that found no row (a log whose nodes are not complete).</summary>
    public long NodesMissing { get; private set; }

    public long RowsRead => LeavesRead + NodesRead;

    public void ReadLeafHashes(long start, Span<byte> destination)
    {
        store.ReadLeafHashes(start, destination);
        LeavesRead += destination.Length / MerkleTree.HashSize;
    }

    public bool TryGetSubtreeHash(long start, long size, Span<byte> destination)
    {
        if (size < StoredNodes.MinSize)
        {
            return false;
        }

        if (!store.TryReadNode(BitOperations.Log2((ulong)size), start, destination))
        {
            NodesMissing++;
            return false;
        }

        NodesRead++;
        return true;
    }
}

using System.Numerics;

namespace Naqil.MessageLog;

/// <summary>
/// An append-only Merkle tree kept as its right frontier: the roots of the perfect subtrees that
/// make up the tree, one per set bit of <see cref="Size"/>, largest (leftmost) first. Appending
/// and computing the root are O(log n) and allocation-free; the frontier is all a store needs to
/// persist to rebuild the builder with <see cref="FromFrontier"/>. Not thread-safe: the gateway
/// appends from one writer.
/// </summary>
public sealed class MerkleTreeBuilder
{
    // At most 63 perfect subtrees (one per bit of a non-negative long), stored back to back.
    private const int MaxFrontier = 63;

    private readonly byte[] _frontier = new byte[MaxFrontier * MerkleTree.HashSize];

    /// <summary>The number of leaves appended so far.</summary>
    public long Size { get; private set; }

    /// <summary>
    /// A copy of the frontier: the roots of the perfect subtrees covering leaves
    /// <c>[0, Size)</c> from left to right, with sizes the set bits of <see cref="Size"/> from the
    /// highest down. Empty for the empty tree.
    /// </summary>
    public IReadOnlyList<byte[]> Frontier
    {
        get
        {
            var nodes = new byte[FrontierCount][];
            for (var i = 0; i < nodes.Length; i++)
            {
                nodes[i] = Node(i).ToArray();
            }

            return nodes;
        }
    }

    private int FrontierCount => BitOperations.PopCount((ulong)Size);

    /// <summary>
    /// Rebuilds a builder from a persisted <paramref name="frontier"/> (as read from
    /// <see cref="Frontier"/>) for a tree of <paramref name="size"/> leaves. Throws when the number
    /// of nodes does not match the set bits of <paramref name="size"/> or a node is not 32 bytes.
    /// </summary>
    public static MerkleTreeBuilder FromFrontier(long size, IReadOnlyList<byte[]> frontier)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentNullException.ThrowIfNull(frontier);
        var builder = new MerkleTreeBuilder { Size = size };
        if (frontier.Count != builder.FrontierCount)
        {
            throw new ArgumentException(
                $"A tree of {size} leaves has {builder.FrontierCount} frontier nodes, not {frontier.Count}.", nameof(frontier));
        }

        for (var i = 0; i < frontier.Count; i++)
        {
            if (frontier[i] is not { Length: MerkleTree.HashSize } node)
            {
                throw new ArgumentException($"Frontier node {i} is not {MerkleTree.HashSize} bytes.", nameof(frontier));
            }

            node.CopyTo(builder.Node(i));
        }

        return builder;
    }

    /// <summary>Appends a leaf by its leaf hash (see <see cref="MerkleTree.HashLeaf(ReadOnlySpan{byte})"/>).</summary>
    public void Append(ReadOnlySpan<byte> leafHash) => Append(leafHash, null);

    /// <summary>
    /// Appends a leaf and reports every perfect subtree of two or more leaves that it completes,
    /// smallest first: for a new size with <c>t</c> trailing zero bits, the subtrees of heights 1
    /// to <c>t</c> ending at the new leaf. A store keeps these to answer proofs without the leaves
    /// beneath them.
    /// </summary>
    public void Append(ReadOnlySpan<byte> leafHash, PerfectSubtreeCompleted? completed)
    {
        if (leafHash.Length != MerkleTree.HashSize)
        {
            throw new ArgumentException($"A leaf hash is {MerkleTree.HashSize} bytes, not {leafHash.Length}.", nameof(leafHash));
        }

        if (Size == long.MaxValue)
        {
            throw new InvalidOperationException("The tree is full.");
        }

        // Each trailing one bit of the old size is a perfect subtree as large as the new node:
        // merge them into it, right to left, like carrying in binary addition.
        var top = FrontierCount;
        leafHash.CopyTo(Node(top));
        var height = 0;
        for (var size = Size; (size & 1) == 1; size >>= 1)
        {
            MerkleTree.HashChildren(Node(top - 1), Node(top), Node(top - 1));
            top--;
            height++;
            completed?.Invoke(height, Size + 1 - (1L << height), Node(top));
        }

        Size++;
    }

    /// <summary>The root hash (Merkle Tree Hash) of the leaves appended so far.</summary>
    public byte[] ComputeRoot()
    {
        var root = new byte[MerkleTree.HashSize];
        ComputeRoot(root);
        return root;
    }

    /// <summary>Writes the root hash of the leaves appended so far to <paramref name="destination"/>.</summary>
    public void ComputeRoot(Span<byte> destination)
    {
        if (destination.Length < MerkleTree.HashSize)
        {
            throw new ArgumentException($"The destination needs room for {MerkleTree.HashSize} bytes.", nameof(destination));
        }

        var count = FrontierCount;
        if (count == 0)
        {
            MerkleTree.EmptyRootHash.CopyTo(destination);
            return;
        }

        // MTH splits at the largest power of two, so the root folds the frontier from the right.
        Span<byte> root = stackalloc byte[MerkleTree.HashSize];
        Node(count - 1).CopyTo(root);
        for (var i = count - 2; i >= 0; i--)
        {
            MerkleTree.HashChildren(Node(i), root, root);
        }

        root.CopyTo(destination);
    }

    private Span<byte> Node(int index) => _frontier.AsSpan(index * MerkleTree.HashSize, MerkleTree.HashSize);
}

/// <summary>
/// A perfect subtree completed by <see cref="MerkleTreeBuilder.Append(ReadOnlySpan{byte}, PerfectSubtreeCompleted)"/>:
/// the leaves <c>[start, start + 2^height)</c> and their Merkle Tree Hash.
/// </summary>
public delegate void PerfectSubtreeCompleted(int height, long start, ReadOnlySpan<byte> root);

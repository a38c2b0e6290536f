using Naqil.MessageLog;

namespace Naqil.Gateway.MessageLog;

/// <summary>
/// The interior nodes a store keeps so that a proof reads O(log n) rows: the root of every
/// complete aligned subtree of <see cref="MinSize"/> leaves or more, that is the leaves
/// <c>[start, start + 2^height)</c> with <c>height ≥ MinHeight</c> and <c>start</c> a multiple of
/// <c>2^height</c>. A proof needs at most two subtree roots per level (RFC 9162's paths and
/// consistency proofs split each range once per level), so it reads at most about 2·log2 n stored
/// nodes plus the leaves of the subtrees smaller than <see cref="MinSize"/>, fewer than
/// 2·<see cref="MinSize"/> of them. The store writes a batch's nodes in the batch's transaction.
/// </summary>
internal static class StoredNodes
{
    /// <summary>
    /// The smallest stored subtree is 16 leaves: one node per 8 entries in all (16 + 8 + 4 + ...
    /// per 16 leaves), and under 32 leaf rows per proof.
    /// </summary>
    public const int MinHeight = 4;

    public const long MinSize = 1L << MinHeight;

    /// <summary>How many nodes a complete store holds for a tree of <paramref name="size"/> leaves.</summary>
    public static long CountFor(long size)
    {
        long count = 0;
        for (var height = MinHeight; height < 63 && (size >> height) > 0; height++)
        {
            count += size >> height;
        }

        return count;
    }

    /// <summary>
    /// Appends <paramref name="leafHash"/> to <paramref name="builder"/> and adds the stored nodes it
    /// completes to <paramref name="nodes"/>.
    /// </summary>
    public static void Append(MerkleTreeBuilder builder, ReadOnlySpan<byte> leafHash, List<StoredNode> nodes)
    {
        // Most leaves complete nothing of 16 or more: skip the callback's allocation for them.
        if (((builder.Size + 1) & (MinSize - 1)) != 0)
        {
            builder.Append(leafHash);
            return;
        }

        builder.Append(leafHash, (height, start, root) =>
        {
            if (height >= MinHeight)
            {
                nodes.Add(new StoredNode(height, start, root.ToArray()));
            }
        });
    }
}

/// <summary>The root of the perfect subtree over leaves <c>[Start, Start + 2^Height)</c>.</summary>
internal sealed record StoredNode(int Height, long Start, byte[] Hash);

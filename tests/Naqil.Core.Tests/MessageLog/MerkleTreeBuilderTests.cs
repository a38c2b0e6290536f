using Naqil.MessageLog;

namespace Naqil.Core.Tests.MessageLog;

public sealed class MerkleTreeBuilderTests
{
    private static byte[] Leaf(int i) => MerkleTree.HashLeaf(BitConverter.GetBytes(i));

    [Fact]
    public void ComputeRoot_EmptyBuilder_IsEmptyRootHash()
    {
        var builder = new MerkleTreeBuilder();

        Assert.Equal(0, builder.Size);
        Assert.Empty(builder.Frontier);
        Assert.Equal(MerkleTree.EmptyRootHash.ToArray(), builder.ComputeRoot());
    }

    [Fact]
    public void Frontier_HasOnePerfectSubtreeRootPerSetBitOfSize()
    {
        var leaves = Enumerable.Range(0, 13).Select(Leaf).ToArray();
        var builder = new MerkleTreeBuilder();
        foreach (var leaf in leaves)
        {
            builder.Append(leaf);
        }

        // 13 = 8 + 4 + 1: subtrees [0, 8), [8, 12), [12, 13).
        Assert.Equal(
            [MerkleTree.ComputeRoot(leaves[..8]), MerkleTree.ComputeRoot(leaves[8..12]), leaves[12]],
            builder.Frontier);
    }

    [Fact]
    public void FromFrontier_RestoredMidway_ContinuesToTheSameRootsAsAnUninterruptedBuilder()
    {
        var leaves = Enumerable.Range(0, 300).Select(Leaf).ToArray();
        var uninterrupted = new MerkleTreeBuilder();
        var restored = new MerkleTreeBuilder();
        for (var i = 0; i < leaves.Length; i++)
        {
            uninterrupted.Append(leaves[i]);
            restored.Append(leaves[i]);
            if (i % 37 == 0)
            {
                restored = MerkleTreeBuilder.FromFrontier(restored.Size, restored.Frontier);
            }

            Assert.Equal(uninterrupted.ComputeRoot(), restored.ComputeRoot());
        }

        Assert.Equal(MerkleTree.ComputeRoot(leaves), restored.ComputeRoot());
    }

    [Fact]
    public void Append_ReportsEachPerfectSubtreeItCompletes_WithItsRoot()
    {
        var leaves = Enumerable.Range(0, 100).Select(Leaf).ToArray();
        var builder = MerkleTreeBuilder.FromFrontier(0, []);
        var reported = new List<(int Height, long Start, byte[] Root)>();
        for (var i = 0; i < 37; i++)
        {
            builder.Append(leaves[i]);
        }

        // Resumed from a frontier mid-way, as the store's writer does for each batch.
        builder = MerkleTreeBuilder.FromFrontier(builder.Size, builder.Frontier);
        for (var i = 37; i < leaves.Length; i++)
        {
            builder.Append(leaves[i], (height, start, root) => reported.Add((height, start, root.ToArray())));
        }

        // Every aligned perfect subtree of 2+ leaves ending in (37, 100], smallest first per leaf.
        var expected = new List<(int, long, byte[])>();
        for (long end = 38; end <= 100; end++)
        {
            for (var height = 1; end % (1L << height) == 0; height++)
            {
                var start = end - (1L << height);
                expected.Add((height, start, MerkleTree.ComputeRoot(leaves[(int)start..(int)end])));
            }
        }

        Assert.Equal(expected.Count, reported.Count);
        Assert.Equal(expected.Select(e => (e.Item1, e.Item2)), reported.Select(r => (r.Height, r.Start)));
        Assert.Equal(expected.Select(e => e.Item3), reported.Select(r => r.Root));
        Assert.Equal(MerkleTree.ComputeRoot(leaves), builder.ComputeRoot());
    }

    [Fact]
    public void FromFrontier_NodeCountNotMatchingSize_Throws()
    {
        Assert.Throws<ArgumentException>(() => MerkleTreeBuilder.FromFrontier(3, [Leaf(0)]));
        Assert.Throws<ArgumentException>(() => MerkleTreeBuilder.FromFrontier(3, [Leaf(0), new byte[31]]));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTreeBuilder.FromFrontier(-1, []));
    }

    [Fact]
    public void Frontier_ReturnsCopies_SoCallersCannotCorruptTheBuilder()
    {
        var builder = new MerkleTreeBuilder();
        builder.Append(Leaf(1));
        var before = builder.ComputeRoot();

        builder.Frontier[0][0] ^= 0xff;

        Assert.Equal(before, builder.ComputeRoot());
    }

    [Fact]
    public void Append_LeafHashNot32Bytes_Throws()
    {
        var builder = new MerkleTreeBuilder();

        Assert.Throws<ArgumentException>(() => builder.Append(new byte[31]));
        Assert.Equal(0, builder.Size);
    }

    [Fact]
    public void Append_ManyLeaves_RootMatchesStreamingComputation()
    {
        var leaves = Enumerable.Range(0, 5000).Select(Leaf).ToArray();
        var builder = new MerkleTreeBuilder();
        foreach (var leaf in leaves)
        {
            builder.Append(leaf);
        }

        Assert.Equal(MerkleTree.ComputeRoot(leaves), builder.ComputeRoot());
    }
}

using Naqil.MessageLog;

namespace Naqil.Core.Tests.MessageLog;

public sealed class LeafHashSourceTests
{
    /// <summary>A store stand-in: counts leaf reads and can serve cached perfect subtree roots.</summary>
    private sealed class CountingSource(byte[][] leaves, Dictionary<(long Start, long Size), byte[]>? cache = null) : ILeafHashSource
    {
        public long Count => leaves.Length;

        public long LeavesRead { get; private set; }

        public int LargestRead { get; private set; }

        public void ReadLeafHashes(long start, Span<byte> destination)
        {
            var count = destination.Length / MerkleTree.HashSize;
            Assert.True(start >= 0 && start + count <= Count, "read past the end");
            LargestRead = Math.Max(LargestRead, count);
            LeavesRead += count;
            for (var i = 0; i < count; i++)
            {
                leaves[start + i].CopyTo(destination[(i * MerkleTree.HashSize)..]);
            }
        }

        public bool TryGetSubtreeHash(long start, long size, Span<byte> destination)
        {
            Assert.True(long.IsPow2(size) && start % size == 0, $"asked for an unaligned subtree [{start}, +{size})");
            if (cache is not null && cache.TryGetValue((start, size), out var hash))
            {
                hash.CopyTo(destination);
                return true;
            }

            return false;
        }
    }

    private static readonly byte[][] Leaves = [.. Enumerable.Range(0, 10_000).Select(i => MerkleTree.HashLeaf(BitConverter.GetBytes(i)))];

    [Fact]
    public void CreateInclusionProof_SourceWithoutCache_ReadsInBoundedChunksAndMatchesInMemoryProof()
    {
        var source = new CountingSource(Leaves);

        var proof = MerkleProofs.CreateInclusionProof(source, 4321, 9999);

        Assert.Equal(MerkleProofs.CreateInclusionProof(Leaves, 4321, 9999), proof);
        Assert.InRange(source.LargestRead, 1, MerkleTree.MaxLeavesPerRead);
        Assert.True(MerkleProofs.VerifyInclusion(Leaves[4321], 4321, 9999, proof, MerkleTree.ComputeRoot(Leaves, 9999)));
    }

    [Fact]
    public void CreateProofs_SourceCachingSubtreesOf1024_UseTheCacheInsteadOfReadingLeaves()
    {
        var cache = new Dictionary<(long, long), byte[]>();
        for (long start = 0; start + 1024 <= Leaves.Length; start += 1024)
        {
            cache[(start, 1024)] = MerkleTree.ComputeRoot(Leaves[(int)start..(int)(start + 1024)]);
        }

        var cached = new CountingSource(Leaves, cache);
        var uncached = new CountingSource(Leaves);

        Assert.Equal(MerkleProofs.CreateInclusionProof(uncached, 17, 10_000), MerkleProofs.CreateInclusionProof(cached, 17, 10_000));
        Assert.Equal(MerkleProofs.CreateConsistencyProof(uncached, 3000, 10_000), MerkleProofs.CreateConsistencyProof(cached, 3000, 10_000));
        Assert.Equal(MerkleTree.ComputeRoot(uncached, 10_000), MerkleTree.ComputeRoot(cached, 10_000));

        // Only the parts of the tree not covered by cached blocks are read: under 3 * 1024 leaves
        // per call instead of about the whole log.
        Assert.True(cached.LeavesRead < 3 * 3 * 1024, $"read {cached.LeavesRead} leaves");
        Assert.True(uncached.LeavesRead > 3 * 9000, $"read {uncached.LeavesRead} leaves");
    }

    [Fact]
    public void CreateProofs_ArgumentsOutsideTheTree_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleProofs.CreateInclusionProof(Leaves, 5, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleProofs.CreateInclusionProof(Leaves, -1, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleProofs.CreateInclusionProof(Leaves, 0, Leaves.Length + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleProofs.CreateConsistencyProof(Leaves, 0, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleProofs.CreateConsistencyProof(Leaves, 6, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleProofs.CreateConsistencyProof(Leaves, 1, Leaves.Length + 1));
    }

    [Fact]
    public void Verify_MalformedInputs_ReturnFalseWithoutThrowing()
    {
        var root = MerkleTree.ComputeRoot(Leaves, 8);
        var proof = MerkleProofs.CreateInclusionProof(Leaves, 3, 8);
        var consistency = MerkleProofs.CreateConsistencyProof(Leaves, 3, 8);
        var root3 = MerkleTree.ComputeRoot(Leaves, 3);

        Assert.False(MerkleProofs.VerifyInclusion(Leaves[3], 3, 8, null, root));
        Assert.False(MerkleProofs.VerifyInclusion(Leaves[3], 3, 8, [proof[0], null!, proof[2]], root));
        Assert.False(MerkleProofs.VerifyInclusion(Leaves[3], 3, 8, [proof[0], proof[1][..31], proof[2]], root));
        Assert.False(MerkleProofs.VerifyInclusion(Leaves[3][..31], 3, 8, proof, root));
        Assert.False(MerkleProofs.VerifyInclusion(Leaves[3], 3, 8, proof, root[..16]));
        Assert.False(MerkleProofs.VerifyInclusion(Leaves[3], 3, 0, proof, root));
        Assert.False(MerkleProofs.VerifyInclusion(Leaves[3], long.MaxValue, long.MaxValue, proof, root));
        Assert.False(MerkleProofs.VerifyInclusion(Leaves[3], 3, long.MaxValue, proof, root));
        Assert.False(MerkleProofs.VerifyInclusion(Leaves[3], 3, 8, [.. Enumerable.Repeat(proof[0], 100)], root));
        Assert.False(MerkleProofs.VerifyInclusion(Leaves[0], 0, 1, [root], Leaves[0]));

        Assert.False(MerkleProofs.VerifyConsistency(3, 8, root3, root, null));
        Assert.False(MerkleProofs.VerifyConsistency(3, 8, root3, root, []));
        Assert.False(MerkleProofs.VerifyConsistency(3, 8, root3, root, [consistency[0], null!]));
        Assert.False(MerkleProofs.VerifyConsistency(0, 8, MerkleTree.EmptyRootHash, root, consistency));
        Assert.False(MerkleProofs.VerifyConsistency(-3, 8, root3, root, consistency));
        Assert.False(MerkleProofs.VerifyConsistency(3, long.MaxValue, root3, root, consistency));
        Assert.False(MerkleProofs.VerifyConsistency(3, 8, root3[..31], root, consistency));
        Assert.False(MerkleProofs.VerifyConsistency(8, 8, root, root, consistency));
        Assert.True(MerkleProofs.VerifyConsistency(8, 8, root, root, []));
        Assert.True(MerkleProofs.VerifyConsistency(3, 8, root3, root, consistency));
    }
}

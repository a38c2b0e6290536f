using Naqil.MessageLog;

namespace Naqil.Core.Tests.MessageLog;

/// <summary>Exhaustive checks over every tree of 1 to 64 leaves and every index or prefix size.</summary>
public sealed class MerkleProofPropertyTests
{
    private const int MaxSize = 64;

    private static readonly byte[][] Leaves =
        [.. Enumerable.Range(0, MaxSize + 1).Select(i => MerkleTree.HashLeaf(BitConverter.GetBytes(i * 7919)))];

    private static readonly byte[][] Roots = [.. Enumerable.Range(0, MaxSize + 2).Select(n => MerkleReference.Mth(Leaves[..Math.Min(n, Leaves.Length)]))];

    public static TheoryData<int> TreeSizes => [.. Enumerable.Range(1, MaxSize)];

    [Theory]
    [MemberData(nameof(TreeSizes))]
    public void ComputeRoot_AnySize_EqualsReferenceMth(int n)
    {
        Assert.Equal(Roots[n], MerkleTree.ComputeRoot(Leaves[..n]));
        Assert.Equal(Roots[n], MerkleTree.ComputeRoot(Leaves, n));
    }

    [Theory]
    [MemberData(nameof(TreeSizes))]
    public void CreateInclusionProof_EveryIndex_EqualsReferencePathAndVerifies(int n)
    {
        var bound = CeilLog2(n);
        for (var m = 0; m < n; m++)
        {
            var proof = MerkleProofs.CreateInclusionProof(Leaves, m, n);

            Assert.Equal(MerkleReference.Path(m, Leaves[..n]), proof);
            Assert.True(proof.Length <= bound, $"PATH({m}, {n}) has {proof.Length} elements, more than {bound}");
            Assert.True(MerkleProofs.VerifyInclusion(Leaves[m], m, n, proof, Roots[n]), $"PATH({m}, {n}) did not verify");
        }
    }

    [Theory]
    [MemberData(nameof(TreeSizes))]
    public void VerifyInclusion_AnyFlippedByteInAnyElement_Fails(int n)
    {
        for (var m = 0; m < n; m++)
        {
            var proof = MerkleProofs.CreateInclusionProof(Leaves, m, n);
            foreach (var element in proof)
            {
                for (var b = 0; b < element.Length; b++)
                {
                    element[b] ^= 0x01;
                    Assert.False(MerkleProofs.VerifyInclusion(Leaves[m], m, n, proof, Roots[n]));
                    element[b] ^= 0x01;
                }
            }

            Assert.True(MerkleProofs.VerifyInclusion(Leaves[m], m, n, proof, Roots[n]));
        }
    }

    [Theory]
    [MemberData(nameof(TreeSizes))]
    public void VerifyInclusion_WrongIndexLeafOrRoot_Fails(int n)
    {
        for (var m = 0; m < n; m++)
        {
            var proof = MerkleProofs.CreateInclusionProof(Leaves, m, n);
            for (var other = -1; other <= n; other++)
            {
                if (other != m)
                {
                    Assert.False(MerkleProofs.VerifyInclusion(Leaves[m], other, n, proof, Roots[n]), $"index {other} for PATH({m}, {n})");
                }
            }

            Assert.False(MerkleProofs.VerifyInclusion(Leaves[(m + 1) % Leaves.Length], m, n, proof, Roots[n]));
            Assert.False(MerkleProofs.VerifyInclusion(Leaves[m], m, n, proof, Roots[n + 1]));
            Assert.False(MerkleProofs.VerifyInclusion(Leaves[m], m, n, proof, Roots[n - 1]));
        }
    }

    /// <summary>
    /// RFC 9162 does not bind the tree size into the hashes: a proof checked against the wrong size
    /// still verifies exactly when that size puts the same siblings on the same sides (leaf 0 of 3
    /// and of 4 leaves, say). So the property is "verifies iff the shape is the same", and most
    /// wrong sizes must fail.
    /// </summary>
    [Theory]
    [MemberData(nameof(TreeSizes))]
    public void VerifyInclusion_WrongTreeSize_VerifiesOnlyWhenPathShapeIsIdentical(int n)
    {
        var failures = 0;
        var attempts = 0;
        for (var m = 0; m < n; m++)
        {
            var proof = MerkleProofs.CreateInclusionProof(Leaves, m, n);
            var shape = MerkleReference.PathShape(m, n);
            for (var wrong = m + 1; wrong <= 2 * MaxSize; wrong++)
            {
                if (wrong == n)
                {
                    continue;
                }

                var sameShape = MerkleReference.PathShape(m, wrong).SequenceEqual(shape);
                var verified = MerkleProofs.VerifyInclusion(Leaves[m], m, wrong, proof, Roots[n]);
                Assert.Equal(sameShape, verified);
                attempts++;
                failures += verified ? 0 : 1;
            }
        }

        Assert.True(failures * 2 > attempts, $"only {failures} of {attempts} wrong sizes failed");
    }

    [Theory]
    [MemberData(nameof(TreeSizes))]
    public void CreateConsistencyProof_EveryPrefix_EqualsReferenceProofAndVerifies(int n)
    {
        var bound = CeilLog2(n) + 1;
        for (var m = 1; m <= n; m++)
        {
            var proof = MerkleProofs.CreateConsistencyProof(Leaves, m, n);

            Assert.Equal(MerkleReference.Proof(m, Leaves[..n]), proof);
            Assert.True(proof.Length <= bound, $"PROOF({m}, {n}) has {proof.Length} elements, more than {bound}");
            Assert.True(MerkleProofs.VerifyConsistency(m, n, Roots[m], Roots[n], proof), $"PROOF({m}, {n}) did not verify");
        }
    }

    [Theory]
    [MemberData(nameof(TreeSizes))]
    public void VerifyConsistency_AnyFlippedByteInAnyElement_Fails(int n)
    {
        for (var m = 1; m < n; m++)
        {
            var proof = MerkleProofs.CreateConsistencyProof(Leaves, m, n);
            foreach (var element in proof)
            {
                for (var b = 0; b < element.Length; b++)
                {
                    element[b] ^= 0x80;
                    Assert.False(MerkleProofs.VerifyConsistency(m, n, Roots[m], Roots[n], proof), $"PROOF({m}, {n}) byte {b}");
                    element[b] ^= 0x80;
                }
            }

            Assert.True(MerkleProofs.VerifyConsistency(m, n, Roots[m], Roots[n], proof));
        }
    }

    [Theory]
    [MemberData(nameof(TreeSizes))]
    public void VerifyConsistency_WrongRoots_Fails(int n)
    {
        for (var m = 1; m <= n; m++)
        {
            var proof = MerkleProofs.CreateConsistencyProof(Leaves, m, n);
            var otherFirstRoot = Roots[m == 1 ? 2 : m - 1];

            Assert.False(MerkleProofs.VerifyConsistency(m, n, otherFirstRoot, Roots[n], proof), $"first root for PROOF({m}, {n})");
            Assert.False(MerkleProofs.VerifyConsistency(m, n, Roots[m], Roots[n + 1], proof), $"second root for PROOF({m}, {n})");
            if (m != n)
            {
                Assert.False(MerkleProofs.VerifyConsistency(m, n, Roots[n], Roots[m], proof), $"swapped roots for PROOF({m}, {n})");
            }
        }
    }

    /// <summary>
    /// As for inclusion, the sizes are not hashed: a proof checked with a wrong size verifies
    /// exactly when that size gives the proof the same structure (PROOF(1, 19) and PROOF(1, 17)
    /// are both "leaf 1, then subtrees of 2, 4 and 8 on the left, then one on the right"). Most
    /// wrong sizes must fail.
    /// </summary>
    [Theory]
    [MemberData(nameof(TreeSizes))]
    public void VerifyConsistency_WrongSizes_VerifyOnlyWhenProofShapeIsIdentical(int n)
    {
        var failures = 0;
        var attempts = 0;
        for (var m = 1; m <= n; m++)
        {
            var proof = MerkleProofs.CreateConsistencyProof(Leaves, m, n);
            var shape = MerkleReference.ProofShape(m, n);
            for (var wrong = 1; wrong <= 2 * MaxSize; wrong++)
            {
                if (wrong != m && wrong <= n)
                {
                    var verified = MerkleProofs.VerifyConsistency(wrong, n, Roots[m], Roots[n], proof);
                    Assert.Equal(MerkleReference.ProofShape(wrong, n) == shape, verified);
                    attempts++;
                    failures += verified ? 0 : 1;
                }

                if (wrong != n && wrong >= m)
                {
                    var verified = MerkleProofs.VerifyConsistency(m, wrong, Roots[m], Roots[n], proof);
                    Assert.Equal(MerkleReference.ProofShape(m, wrong) == shape, verified);
                    attempts++;
                    failures += verified ? 0 : 1;
                }
            }
        }

        Assert.True(failures * 2 > attempts, $"only {failures} of {attempts} wrong sizes failed");
    }

    [Theory]
    [MemberData(nameof(TreeSizes))]
    public void VerifyConsistency_ExtraOrMissingElement_Fails(int n)
    {
        for (var m = 1; m < n; m++)
        {
            var proof = MerkleProofs.CreateConsistencyProof(Leaves, m, n);

            Assert.False(MerkleProofs.VerifyConsistency(m, n, Roots[m], Roots[n], proof[..^1]));
            Assert.False(MerkleProofs.VerifyConsistency(m, n, Roots[m], Roots[n], [.. proof, Roots[m]]));
            Assert.False(MerkleProofs.VerifyConsistency(m, n, Roots[m], Roots[n], [Roots[m], .. proof]));
        }
    }

    [Theory]
    [MemberData(nameof(TreeSizes))]
    public void Builder_AppendOneByOne_RootEqualsMthAtEverySize(int n)
    {
        var builder = new MerkleTreeBuilder();
        for (var i = 0; i < n; i++)
        {
            builder.Append(Leaves[i]);
            Assert.Equal(i + 1, builder.Size);
            Assert.Equal(Roots[i + 1], builder.ComputeRoot());
        }
    }

    private static int CeilLog2(int n)
    {
        var bits = 0;
        while ((1 << bits) < n)
        {
            bits++;
        }

        return bits;
    }
}

using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using Naqil.MessageLog;

namespace Naqil.Core.Tests.Properties;

/// <summary>
/// Inclusion and consistency proofs over random logs of up to a few thousand leaves (the exhaustive
/// tests in MessageLog/ cover every shape up to 64): generated proofs verify against the root an
/// incremental builder computes, and any mutation of proof, leaf, index or root fails.
/// </summary>
public sealed class MerkleProperties
{
    private const int MaxLeaves = 3000;

    /// <summary>A log of n leaves (distinct hashes from a seed), a leaf index and a prefix size in it, and a mutation site.</summary>
    internal sealed record Case(int Seed, int Size, int Index, int PrefixSize, int Element, int Byte)
    {
        private byte[][]? _leaves;

        public byte[][] Leaves => _leaves ??= [.. Enumerable.Range(0, Size).Select(i => MerkleTree.HashLeaf(SHA256.HashData(BitConverter.GetBytes(((long)Seed << 32) | (uint)i))))];

        public override string ToString() => $"seed {Seed}, size {Size}, index {Index}, prefix {PrefixSize}, element {Element}, byte {Byte}";
    }

    private static Gen<Case> Cases =>
        from seed in ArbMap.Default.GeneratorFor<int>()
        from size in Gen.Frequency((3, Gen.Choose(65, MaxLeaves)), (1, Gen.Choose(1, 64)), (1, Gen.Elements(128, 256, 1024, 2048, 2049)))
        from index in Gen.Choose(0, size - 1)
        from prefix in Gen.Choose(1, size)
        from element in Gen.Choose(0, 63)
        from b in Gen.Choose(0, MerkleTree.HashSize - 1)
        select new Case(seed, size, index, prefix, element, b);

    [Fact]
    public void InclusionProof_RandomLog_VerifiesAgainstBuilderRoot_AndHasLogSize() =>
        PropertyCheck.Run(Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var root = BuilderRoot(c.Leaves, c.Size);
            var proof = MerkleProofs.CreateInclusionProof(c.Leaves, c.Index, c.Size);
            return proof.Length <= CeilLog2(c.Size)
                && MerkleProofs.VerifyInclusion(c.Leaves[c.Index], c.Index, c.Size, proof, root)
                && root.AsSpan().SequenceEqual(MerkleTree.ComputeRoot(c.Leaves, c.Size));
        }), 25);

    [Fact]
    public void InclusionProof_AnyMutation_Fails() =>
        PropertyCheck.Run(Prop.ForAll(Cases.Where(c => c.Size > 1).ToArbitrary(), c =>
        {
            var root = MerkleTree.ComputeRoot(c.Leaves, c.Size);
            var proof = MerkleProofs.CreateInclusionProof(c.Leaves, c.Index, c.Size);
            var otherIndex = (c.Index + 1 + (c.Element % (c.Size - 1))) % c.Size;

            var flipped = proof.Select(e => (byte[])e.Clone()).ToArray();
            flipped[c.Element % proof.Length][c.Byte] ^= 0x01;
            var otherRoot = (byte[])root.Clone();
            otherRoot[c.Byte] ^= 0x80;

            return !MerkleProofs.VerifyInclusion(c.Leaves[c.Index], c.Index, c.Size, flipped, root)
                && !MerkleProofs.VerifyInclusion(c.Leaves[otherIndex], c.Index, c.Size, proof, root)
                && !MerkleProofs.VerifyInclusion(c.Leaves[c.Index], otherIndex, c.Size, proof, root)
                && !MerkleProofs.VerifyInclusion(c.Leaves[c.Index], c.Index, c.Size, proof, otherRoot)
                && !MerkleProofs.VerifyInclusion(c.Leaves[c.Index], c.Index, c.Size, proof[..^1], root)
                && !MerkleProofs.VerifyInclusion(c.Leaves[c.Index], c.Index, c.Size, [.. proof, root], root);
        }), 25);

    [Fact]
    public void ConsistencyProof_RandomPrefix_VerifiesAgainstBuilderRoots_AndHasLogSize() =>
        PropertyCheck.Run(Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var proof = MerkleProofs.CreateConsistencyProof(c.Leaves, c.PrefixSize, c.Size);
            return proof.Length <= CeilLog2(c.Size) + 1
                && MerkleProofs.VerifyConsistency(c.PrefixSize, c.Size, BuilderRoot(c.Leaves, c.PrefixSize), BuilderRoot(c.Leaves, c.Size), proof);
        }), 25);

    [Fact]
    public void ConsistencyProof_AnyMutation_Fails() =>
        PropertyCheck.Run(Prop.ForAll(Cases.Where(c => c.PrefixSize < c.Size).ToArbitrary(), c =>
        {
            var firstRoot = MerkleTree.ComputeRoot(c.Leaves, c.PrefixSize);
            var secondRoot = MerkleTree.ComputeRoot(c.Leaves, c.Size);
            var proof = MerkleProofs.CreateConsistencyProof(c.Leaves, c.PrefixSize, c.Size);

            var flipped = proof.Select(e => (byte[])e.Clone()).ToArray();
            flipped[c.Element % proof.Length][c.Byte] ^= 0x01;
            var rewritten = (byte[][])c.Leaves.Clone();
            rewritten[c.Element % c.PrefixSize] = MerkleTree.HashLeaf([0x42]);
            var rewrittenFirstRoot = MerkleTree.ComputeRoot(rewritten, c.PrefixSize);

            return !MerkleProofs.VerifyConsistency(c.PrefixSize, c.Size, firstRoot, secondRoot, flipped)
                && !MerkleProofs.VerifyConsistency(c.PrefixSize, c.Size, secondRoot, firstRoot, proof)
                && !MerkleProofs.VerifyConsistency(c.PrefixSize, c.Size, firstRoot, secondRoot, proof[..^1])
                && !MerkleProofs.VerifyConsistency(c.PrefixSize, c.Size, firstRoot, secondRoot, [.. proof, firstRoot])
                // A log whose history was rewritten inside the old prefix is not consistent with the old head.
                && !MerkleProofs.VerifyConsistency(c.PrefixSize, c.Size, rewrittenFirstRoot, secondRoot, proof);
        }), 25);

    private static byte[] BuilderRoot(byte[][] leaves, int size)
    {
        var builder = new MerkleTreeBuilder();
        for (var i = 0; i < size; i++)
        {
            builder.Append(leaves[i]);
        }

        return builder.ComputeRoot();
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

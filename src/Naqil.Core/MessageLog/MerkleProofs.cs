using System.Security.Cryptography;

namespace Naqil.MessageLog;

/// <summary>
/// Inclusion and consistency proofs of RFC 9162 §2.1.3 and §2.1.4. Generation reads leaf hashes
/// through an <see cref="ILeafHashSource"/> and costs O(n) hashing per proof in the worst case
/// (every sibling subtree is recomputed from its leaves) with O(log n) memory; a source that caches
/// perfect subtree roots brings that down to O(log² n) lookups. Verification never throws: any
/// malformed input simply does not verify.
/// </summary>
public static class MerkleProofs
{
    /// <summary>
    /// PATH(m, D[n]) of RFC 9162 §2.1.3.1 for the leaf at <paramref name="leafIndex"/> in the tree of
    /// the first <paramref name="treeSize"/> leaves, ordered from the leaf's sibling up to the root's
    /// child. Throws on arguments outside <c>0 ≤ leafIndex &lt; treeSize ≤ source.Count</c>.
    /// </summary>
    public static byte[][] CreateInclusionProof(ILeafHashSource source, long leafIndex, long treeSize)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(treeSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(treeSize, source.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(leafIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(leafIndex, treeSize);

        // Walk down from the root, collecting the sibling of each subtree holding the leaf; the RFC
        // lists them bottom-up, so reverse at the end.
        var path = new List<byte[]>(64);
        long start = 0;
        var count = treeSize;
        while (count > 1)
        {
            var split = MerkleTree.Split(count);
            var sibling = new byte[MerkleTree.HashSize];
            if (leafIndex - start < split)
            {
                MerkleTree.ComputeSubtreeRoot(source, start + split, count - split, sibling);
                count = split;
            }
            else
            {
                MerkleTree.ComputeSubtreeRoot(source, start, split, sibling);
                start += split;
                count -= split;
            }

            path.Add(sibling);
        }

        path.Reverse();
        return [.. path];
    }

    /// <summary>Inclusion proof over an in-memory list of leaf hashes; see the <see cref="ILeafHashSource"/> overload.</summary>
    public static byte[][] CreateInclusionProof(IReadOnlyList<byte[]> leafHashes, long leafIndex, long treeSize)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        return CreateInclusionProof(new InMemoryLeafHashSource(leafHashes), leafIndex, treeSize);
    }

    /// <summary>
    /// PROOF(m, D[n]) of RFC 9162 §2.1.4.1 that the tree of the first <paramref name="firstSize"/>
    /// leaves is a prefix of the tree of the first <paramref name="secondSize"/>. Empty when the sizes
    /// are equal. Throws on arguments outside <c>1 ≤ firstSize ≤ secondSize ≤ source.Count</c>
    /// (RFC 9162 defines no proof from the empty tree).
    /// </summary>
    public static byte[][] CreateConsistencyProof(ILeafHashSource source, long firstSize, long secondSize)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(firstSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstSize, secondSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(secondSize, source.Count);

        // SUBPROOF(m, D[start:start+count], b) unrolled: each step appends one subtree hash after
        // the proof of the deeper step, so collect top-down and reverse.
        var proof = new List<byte[]>(65);
        long start = 0;
        var count = secondSize;
        var m = firstSize;
        var firstIsWholeSubtree = true;
        while (m != count)
        {
            var split = MerkleTree.Split(count);
            var node = new byte[MerkleTree.HashSize];
            if (m <= split)
            {
                MerkleTree.ComputeSubtreeRoot(source, start + split, count - split, node);
                count = split;
            }
            else
            {
                MerkleTree.ComputeSubtreeRoot(source, start, split, node);
                start += split;
                count -= split;
                m -= split;
                firstIsWholeSubtree = false;
            }

            proof.Add(node);
        }

        if (!firstIsWholeSubtree)
        {
            var node = new byte[MerkleTree.HashSize];
            MerkleTree.ComputeSubtreeRoot(source, start, count, node);
            proof.Add(node);
        }

        proof.Reverse();
        return [.. proof];
    }

    /// <summary>Consistency proof over an in-memory list of leaf hashes; see the <see cref="ILeafHashSource"/> overload.</summary>
    public static byte[][] CreateConsistencyProof(IReadOnlyList<byte[]> leafHashes, long firstSize, long secondSize)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        return CreateConsistencyProof(new InMemoryLeafHashSource(leafHashes), firstSize, secondSize);
    }

    /// <summary>
    /// RFC 9162 §2.1.3.2: true when <paramref name="proof"/> shows that <paramref name="leafHash"/>
    /// is leaf <paramref name="leafIndex"/> of the tree of <paramref name="treeSize"/> leaves whose
    /// root is <paramref name="rootHash"/>. False, never an exception, for anything malformed.
    /// </summary>
    public static bool VerifyInclusion(
        ReadOnlySpan<byte> leafHash, long leafIndex, long treeSize, IReadOnlyList<byte[]>? proof, ReadOnlySpan<byte> rootHash)
    {
        if (proof is null || leafHash.Length != MerkleTree.HashSize || rootHash.Length != MerkleTree.HashSize ||
            leafIndex < 0 || treeSize < 1 || leafIndex >= treeSize || proof.Count > 64)
        {
            return false;
        }

        var fn = leafIndex;
        var sn = treeSize - 1;
        Span<byte> r = stackalloc byte[MerkleTree.HashSize];
        leafHash.CopyTo(r);
        // An indexed loop: foreach over the interface would allocate an enumerator per call.
        for (var i = 0; i < proof.Count; i++)
        {
            var p = proof[i];
            if (sn == 0 || p is null || p.Length != MerkleTree.HashSize)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                MerkleTree.HashChildren(p, r, r);

                // A right-edge node has no sibling on the levels where fn is even: climb past them.
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                MerkleTree.HashChildren(r, p, r);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && CryptographicOperations.FixedTimeEquals(r, rootHash);
    }

    /// <summary>
    /// RFC 9162 §2.1.4.2: true when <paramref name="proof"/> shows that the tree of
    /// <paramref name="firstSize"/> leaves with root <paramref name="firstRootHash"/> is a prefix of
    /// the tree of <paramref name="secondSize"/> leaves with root <paramref name="secondRootHash"/>.
    /// Equal sizes verify with an empty proof and equal roots. False, never an exception, for
    /// anything malformed, including a first size of zero.
    /// </summary>
    public static bool VerifyConsistency(
        long firstSize,
        long secondSize,
        ReadOnlySpan<byte> firstRootHash,
        ReadOnlySpan<byte> secondRootHash,
        IReadOnlyList<byte[]>? proof)
    {
        if (proof is null || firstRootHash.Length != MerkleTree.HashSize || secondRootHash.Length != MerkleTree.HashSize ||
            firstSize < 1 || firstSize > secondSize || proof.Count > 65)
        {
            return false;
        }

        if (firstSize == secondSize)
        {
            return proof.Count == 0 && CryptographicOperations.FixedTimeEquals(firstRootHash, secondRootHash);
        }

        if (proof.Count == 0 || proof.Any(p => p is null || p.Length != MerkleTree.HashSize))
        {
            return false;
        }

        // Step 2: when the first tree is a perfect subtree its root is the (implicit) first element.
        var firstIsPowerOfTwo = (firstSize & (firstSize - 1)) == 0;
        var offset = firstIsPowerOfTwo ? 0 : 1;
        var fn = firstSize - 1;
        var sn = secondSize - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        Span<byte> fr = stackalloc byte[MerkleTree.HashSize];
        Span<byte> sr = stackalloc byte[MerkleTree.HashSize];
        ReadOnlySpan<byte> seed = firstIsPowerOfTwo ? firstRootHash : proof[0];
        seed.CopyTo(fr);
        seed.CopyTo(sr);
        for (var i = offset; i < proof.Count; i++)
        {
            var c = proof[i];
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                MerkleTree.HashChildren(c, fr, fr);
                MerkleTree.HashChildren(c, sr, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                MerkleTree.HashChildren(sr, c, sr);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 &&
            CryptographicOperations.FixedTimeEquals(fr, firstRootHash) &&
            CryptographicOperations.FixedTimeEquals(sr, secondRootHash);
    }
}

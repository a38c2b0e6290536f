using System.Security.Cryptography;

namespace Naqil.Core.Tests.MessageLog;

/// <summary>
/// The RFC 9162 §2.1 definitions written as literally as possible (recursion over lists), to
/// cross-check the iterative, streaming implementation.
/// </summary>
internal static class MerkleReference
{
    public static byte[] Leaf(byte[] entry) => SHA256.HashData([0x00, .. entry]);

    public static byte[] Node(byte[] left, byte[] right) => SHA256.HashData([0x01, .. left, .. right]);

    public static byte[] Mth(IReadOnlyList<byte[]> leaves)
    {
        if (leaves.Count == 0)
        {
            return SHA256.HashData([]);
        }

        if (leaves.Count == 1)
        {
            return leaves[0];
        }

        var k = K(leaves.Count);
        return Node(Mth(leaves.Take(k).ToList()), Mth(leaves.Skip(k).ToList()));
    }

    public static List<byte[]> Path(int m, IReadOnlyList<byte[]> leaves)
    {
        if (leaves.Count == 1)
        {
            return [];
        }

        var k = K(leaves.Count);
        return m < k
            ? [.. Path(m, leaves.Take(k).ToList()), Mth(leaves.Skip(k).ToList())]
            : [.. Path(m - k, leaves.Skip(k).ToList()), Mth(leaves.Take(k).ToList())];
    }

    /// <summary>Which side each PATH element sits on, bottom-up: true when the sibling is on the left.</summary>
    public static List<bool> PathShape(int m, int n)
    {
        if (n == 1)
        {
            return [];
        }

        var k = K(n);
        return m < k ? [.. PathShape(m, k), false] : [.. PathShape(m - k, n - k), true];
    }

    public static List<byte[]> Proof(int m, IReadOnlyList<byte[]> leaves) => SubProof(m, leaves, true);

    private static List<byte[]> SubProof(int m, IReadOnlyList<byte[]> leaves, bool b)
    {
        var n = leaves.Count;
        if (m == n)
        {
            return b ? [] : [Mth(leaves)];
        }

        var k = K(n);
        return m <= k
            ? [.. SubProof(m, leaves.Take(k).ToList(), b), Mth(leaves.Skip(k).ToList())]
            : [.. SubProof(m - k, leaves.Skip(k).ToList(), false), Mth(leaves.Take(k).ToList())];
    }

    /// <summary>
    /// The structure of PROOF(m, n) bottom-up: 'S' for a seed subtree hash, 'L' for a left sibling
    /// (in both trees), 'R' for a right sibling (only in the second tree).
    /// </summary>
    public static string ProofShape(int m, int n) => SubProofShape(m, n, true);

    private static string SubProofShape(int m, int n, bool b)
    {
        if (m == n)
        {
            return b ? string.Empty : "S";
        }

        var k = K(n);
        return m <= k ? SubProofShape(m, k, b) + "R" : SubProofShape(m - k, n - k, false) + "L";
    }

    private static int K(int n)
    {
        var k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }

        return k;
    }
}

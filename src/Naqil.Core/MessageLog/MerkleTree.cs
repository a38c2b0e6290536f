using System.Buffers;
using System.Numerics;
using System.Security.Cryptography;

namespace Naqil.MessageLog;

/// <summary>
/// The hashing of RFC 9162 §2.1.1 (the same as RFC 6962): leaf hash <c>SHA-256(0x00 || entry)</c>,
/// node hash <c>SHA-256(0x01 || left || right)</c>, and the Merkle Tree Hash of a list of leaves,
/// split at the largest power of two smaller than its size.
/// </summary>
public static class MerkleTree
{
    /// <summary>Size in bytes of every hash in the tree (SHA-256).</summary>
    public const int HashSize = 32;

    /// <summary>
    /// The most leaves requested from <see cref="ILeafHashSource.ReadLeafHashes"/> in one call: 8 KiB
    /// of hashes, small enough to rent and large enough to make a store's round trips rare.
    /// </summary>
    public const int MaxLeavesPerRead = 256;

    private const byte LeafPrefix = 0x00;
    private const byte NodePrefix = 0x01;

    // Entries up to this size are prefixed on the stack; larger ones are hashed in two parts.
    private const int StackEntryLimit = 1024;

    /// <summary>The root hash of the empty tree: SHA-256 of the empty string.</summary>
    public static ReadOnlySpan<byte> EmptyRootHash =>
    [
        0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
        0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
    ];

    /// <summary>The leaf hash of <paramref name="entry"/>: <c>SHA-256(0x00 || entry)</c>.</summary>
    public static byte[] HashLeaf(ReadOnlySpan<byte> entry)
    {
        var hash = new byte[HashSize];
        HashLeaf(entry, hash);
        return hash;
    }

    /// <summary>Writes the leaf hash of <paramref name="entry"/> to <paramref name="destination"/>.</summary>
    public static void HashLeaf(ReadOnlySpan<byte> entry, Span<byte> destination)
    {
        CheckDestination(destination);
        if (entry.Length < StackEntryLimit)
        {
            Span<byte> buffer = stackalloc byte[StackEntryLimit];
            buffer[0] = LeafPrefix;
            entry.CopyTo(buffer[1..]);
            Sha256(buffer[..(entry.Length + 1)], [], destination);
            return;
        }

        Sha256([LeafPrefix], entry, destination);
    }

    /// <summary>The interior node hash <c>SHA-256(0x01 || left || right)</c>.</summary>
    public static byte[] HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var hash = new byte[HashSize];
        HashChildren(left, right, hash);
        return hash;
    }

    /// <summary>
    /// Writes <c>SHA-256(0x01 || left || right)</c> to <paramref name="destination"/>, which may
    /// overlap either input (the inputs are copied first).
    /// </summary>
    public static void HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        CheckHash(left, nameof(left));
        CheckHash(right, nameof(right));
        CheckDestination(destination);
        Span<byte> buffer = stackalloc byte[1 + (2 * HashSize)];
        buffer[0] = NodePrefix;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + HashSize)..]);
        Sha256(buffer, [], destination);
    }

    // OpenSSL's one-shot digest (SHA256.HashData, or a new IncrementalHash) sets up and frees a
    // digest context on every call: about 1 µs on the 2-core hosts the load harness ran on, more
    // than hashing a 65-byte node takes. Each thread keeps one context and resets it instead, which
    // made log verification a third faster or more at 10^5 and 10^6 entries (docs/performance.md,
    // "Hashing and the trust configuration").
    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    /// <summary>SHA-256 of <paramref name="first"/> then <paramref name="second"/>, read before <paramref name="destination"/> is written.</summary>
    private static void Sha256(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> destination)
    {
        var hash = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            hash.AppendData(first);
            if (!second.IsEmpty)
            {
                hash.AppendData(second);
            }

            hash.GetHashAndReset(destination);
        }
        catch
        {
            // A context that failed half-way may hold data: never hash with it again.
            t_sha256 = null;
            hash.Dispose();
            throw;
        }
    }

    /// <summary>The Merkle Tree Hash of all of <paramref name="leafHashes"/> (32 bytes each).</summary>
    public static byte[] ComputeRoot(IReadOnlyList<byte[]> leafHashes)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        return ComputeRoot(new InMemoryLeafHashSource(leafHashes), leafHashes.Count);
    }

    /// <summary>The Merkle Tree Hash of the first <paramref name="treeSize"/> of <paramref name="leafHashes"/>.</summary>
    public static byte[] ComputeRoot(IReadOnlyList<byte[]> leafHashes, long treeSize)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        return ComputeRoot(new InMemoryLeafHashSource(leafHashes), treeSize);
    }

    /// <summary>
    /// The Merkle Tree Hash of the first <paramref name="treeSize"/> leaves of
    /// <paramref name="source"/>. O(n) hashing unless the source caches subtree roots; O(log n) memory.
    /// </summary>
    public static byte[] ComputeRoot(ILeafHashSource source, long treeSize)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(treeSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(treeSize, source.Count);
        if (treeSize == 0)
        {
            return EmptyRootHash.ToArray();
        }

        var root = new byte[HashSize];
        ComputeSubtreeRoot(source, 0, treeSize, root);
        return root;
    }

    /// <summary>The largest power of two strictly smaller than <paramref name="n"/> (n ≥ 2): RFC 9162's k.</summary>
    internal static long Split(long n) => 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));

    /// <summary>MTH of the leaves <c>[start, start + count)</c>, count ≥ 1.</summary>
    internal static void ComputeSubtreeRoot(ILeafHashSource source, long start, long count, Span<byte> destination)
    {
        if (count == 1)
        {
            source.ReadLeafHashes(start, destination[..HashSize]);
            return;
        }

        long split;
        if (BitOperations.IsPow2(count))
        {
            if (source.TryGetSubtreeHash(start, count, destination))
            {
                return;
            }

            if (count <= MaxLeavesPerRead)
            {
                HashPerfectChunk(source, start, (int)count, destination);
                return;
            }

            split = count / 2;
        }
        else
        {
            split = Split(count);
        }

        // Recursion depth is bounded by 2 * 64 levels, each holding 64 bytes of stack.
        Span<byte> left = stackalloc byte[HashSize];
        Span<byte> right = stackalloc byte[HashSize];
        ComputeSubtreeRoot(source, start, split, left);
        ComputeSubtreeRoot(source, start + split, count - split, right);
        HashChildren(left, right, destination);
    }

    private static void HashPerfectChunk(ILeafHashSource source, long start, int count, Span<byte> destination)
    {
        var rented = ArrayPool<byte>.Shared.Rent(count * HashSize);
        try
        {
            var level = rented.AsSpan(0, count * HashSize);
            source.ReadLeafHashes(start, level);

            // Fold pairs in place, level by level; node i of a level overwrites slot i of the one below.
            for (var width = count; width > 1; width /= 2)
            {
                for (var i = 0; i < width / 2; i++)
                {
                    HashChildren(
                        level.Slice(2 * i * HashSize, HashSize),
                        level.Slice(((2 * i) + 1) * HashSize, HashSize),
                        level.Slice(i * HashSize, HashSize));
                }
            }

            level[..HashSize].CopyTo(destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void CheckHash(ReadOnlySpan<byte> hash, string name)
    {
        if (hash.Length != HashSize)
        {
            throw new ArgumentException($"A Merkle tree hash is {HashSize} bytes, not {hash.Length}.", name);
        }
    }

    private static void CheckDestination(Span<byte> destination)
    {
        if (destination.Length < HashSize)
        {
            throw new ArgumentException($"The destination needs room for {HashSize} bytes.", nameof(destination));
        }
    }
}

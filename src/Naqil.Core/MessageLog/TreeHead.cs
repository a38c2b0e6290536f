using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Naqil.MessageLog;

/// <summary>
/// A tree head: the size and root hash of the message log at a moment, as the gateway signs it.
/// The signed bytes are <see cref="Encode"/>: the ASCII label <c>naqil-tree-head-v1</c> (18 bytes),
/// the tree size as an 8-byte big-endian unsigned integer, the 32-byte root hash, and the timestamp
/// as 8-byte big-endian milliseconds since the Unix epoch (66 bytes in all). The timestamp is kept
/// to the millisecond, in UTC, so a head read back from its encoding equals the original.
/// Signatures are ECDSA P-256 over SHA-256 of those bytes, in IEEE P1363 form (r || s, 64 bytes).
/// </summary>
public sealed class TreeHead : IEquatable<TreeHead>
{
    /// <summary>The domain-separation label that starts the encoding.</summary>
    public const string EncodingLabel = "naqil-tree-head-v1";

    /// <summary>Length of <see cref="Encode"/>'s output.</summary>
    public const int EncodedLength = 18 + 8 + MerkleTree.HashSize + 8;

    /// <summary>Length of a P-256 signature in IEEE P1363 form.</summary>
    public const int SignatureLength = 64;

    private static ReadOnlySpan<byte> Label => "naqil-tree-head-v1"u8;

    private readonly byte[] _rootHash;

    /// <summary>Creates a tree head; the timestamp is truncated to the millisecond and made UTC.</summary>
    public TreeHead(long treeSize, ReadOnlySpan<byte> rootHash, DateTimeOffset timestamp)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(treeSize);
        if (rootHash.Length != MerkleTree.HashSize)
        {
            throw new ArgumentException($"A root hash is {MerkleTree.HashSize} bytes, not {rootHash.Length}.", nameof(rootHash));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(timestamp, DateTimeOffset.UnixEpoch);
        TreeSize = treeSize;
        _rootHash = rootHash.ToArray();
        Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(timestamp.ToUnixTimeMilliseconds());
    }

    /// <summary>The number of leaves in the tree.</summary>
    public long TreeSize { get; }

    /// <summary>The Merkle Tree Hash of the tree's leaves.</summary>
    public ReadOnlySpan<byte> RootHash => _rootHash;

    /// <summary>When the head was taken, to the millisecond, in UTC.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>The canonical bytes that are signed (see the type's remarks).</summary>
    public byte[] Encode()
    {
        var bytes = new byte[EncodedLength];
        Label.CopyTo(bytes);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(18), TreeSize);
        _rootHash.CopyTo(bytes.AsSpan(26));
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(26 + MerkleTree.HashSize), Timestamp.ToUnixTimeMilliseconds());
        return bytes;
    }

    /// <summary>Reads a tree head from its <see cref="Encode"/> form; false for anything else.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, [NotNullWhen(true)] out TreeHead? treeHead)
    {
        treeHead = null;
        if (encoded.Length != EncodedLength || !encoded.StartsWith(Label))
        {
            return false;
        }

        var size = BinaryPrimitives.ReadInt64BigEndian(encoded[18..]);
        var millis = BinaryPrimitives.ReadInt64BigEndian(encoded[(26 + MerkleTree.HashSize)..]);
        if (size < 0 || millis < 0 || millis > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return false;
        }

        treeHead = new TreeHead(size, encoded.Slice(26, MerkleTree.HashSize), DateTimeOffset.FromUnixTimeMilliseconds(millis));
        return true;
    }

    /// <summary>Signs <see cref="Encode"/> with a P-256 key; returns the 64-byte r || s signature.</summary>
    public byte[] Sign(ECDsa privateKey)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        if (privateKey.KeySize != 256)
        {
            throw new ArgumentException("Tree heads are signed with ECDSA P-256.", nameof(privateKey));
        }

        return privateKey.SignData(Encode(), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>
    /// True when <paramref name="signature"/> is a valid P1363 signature of this head by
    /// <paramref name="publicKey"/>; false, never an exception, for anything else.
    /// </summary>
    public bool VerifySignature(ReadOnlySpan<byte> signature, ECDsa? publicKey)
    {
        if (publicKey is null || signature.Length != SignatureLength)
        {
            return false;
        }

        try
        {
            return publicKey.KeySize == 256 &&
                publicKey.VerifyData(Encode(), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public bool Equals(TreeHead? other) =>
        other is not null &&
        TreeSize == other.TreeSize &&
        Timestamp == other.Timestamp &&
        _rootHash.AsSpan().SequenceEqual(other._rootHash);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as TreeHead);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(TreeSize, Timestamp, BitConverter.ToInt32(_rootHash));

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"TreeHead {{ TreeSize = {TreeSize}, RootHash = {Convert.ToHexStringLower(_rootHash)}, Timestamp = {Timestamp:O} }}");
}

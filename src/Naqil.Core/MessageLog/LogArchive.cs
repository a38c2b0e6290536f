using System.Buffers.Binary;

namespace Naqil.MessageLog;

/// <summary>
/// The names and record layouts of a message log archive (a zip), shared by the gateway's
/// exporter and <see cref="LogArchiveVerifier"/>. Specified in docs/message-log.md.
/// </summary>
public static class LogArchive
{
    public const string Format = "naqil-log-archive-v1";

    /// <summary>JSON: format, gateway, created, firstIndex, endIndex, treeSize, timestamps[].</summary>
    public const string Manifest = "manifest.json";

    /// <summary>Every leaf below the covering tree size: records of an 8-byte big-endian index and the 32-byte leaf hash.</summary>
    public const string Leaves = "leaves.bin";

    /// <summary>The exported entries: records of an 8-byte big-endian index, a 4-byte big-endian length and the canonical encoding.</summary>
    public const string Entries = "entries.bin";

    /// <summary>Signed tree heads: records of the 130-byte <see cref="SignedTreeHead"/> encoding and the signer's 64-character hex thumbprint.</summary>
    public const string TreeHeads = "tree-heads.bin";

    public const int LeafRecordLength = 8 + MerkleTree.HashSize;

    public const int TreeHeadRecordLength = SignedTreeHead.EncodedLength + 64;

    /// <summary>A certificate (PEM) by its hex SHA-256 thumbprint.</summary>
    public static string CertificatePath(string thumbprint) => $"certificates/{thumbprint}.pem";

    /// <summary>
    /// A TSA's chain (PEM, one file): its certificate first, then each issuer up to a self-signed
    /// root, for <c>openssl ts -verify -CAfile</c>.
    /// </summary>
    public static string CertificateChainPath(string tsaThumbprint) => $"certificates/{tsaThumbprint}-chain.pem";

    /// <summary>The DER TimeStampToken for the tree head of <paramref name="treeSize"/> (the <paramref name="ordinal"/>-th for that size).</summary>
    public static string TokenPath(long treeSize, int ordinal) => $"timestamps/{treeSize:D20}-{ordinal}.tst";

    /// <summary>The data a token stamps: the signed tree head's 130 bytes, for <c>openssl ts -verify -data</c>.</summary>
    public static string TimestampedDataPath(long treeSize) => $"timestamps/{treeSize:D20}.sth";

    public static void WriteLeafRecord(Stream stream, long index, ReadOnlySpan<byte> leafHash)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> record = stackalloc byte[LeafRecordLength];
        BinaryPrimitives.WriteInt64BigEndian(record, index);
        leafHash.CopyTo(record[8..]);
        stream.Write(record);
    }

    public static void WriteEntryRecord(Stream stream, long index, ReadOnlySpan<byte> encoding)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteInt64BigEndian(header, index);
        BinaryPrimitives.WriteInt32BigEndian(header[8..], encoding.Length);
        stream.Write(header);
        stream.Write(encoding);
    }

    public static void WriteTreeHeadRecord(Stream stream, SignedTreeHead head, string signerThumbprint)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(signerThumbprint);
        if (signerThumbprint.Length != 64 || !signerThumbprint.All(char.IsAsciiHexDigit))
        {
            throw new ArgumentException("A signer thumbprint is 64 hex digits.", nameof(signerThumbprint));
        }

        stream.Write(head.Encode());
        stream.Write(System.Text.Encoding.ASCII.GetBytes(signerThumbprint));
    }
}

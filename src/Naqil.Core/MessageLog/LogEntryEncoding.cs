using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Naqil.MessageLog;

/// <summary>
/// The canonical, versioned byte encoding of a <see cref="LogEntry"/> at its position in the log,
/// which the Merkle leaf hashes (<c>SHA-256(0x00 || encoding)</c>). Specified byte for byte in
/// docs/message-log.md: the version byte <c>0x01</c>, the leaf index as an 8-byte big-endian
/// integer, then the fields in a fixed order — text as a 4-byte big-endian length and UTF-8
/// bytes (length <c>0xFFFFFFFF</c> and no bytes for an absent value, so absent and empty differ),
/// the status as a 4-byte big-endian signed integer, times as 8-byte big-endian signed
/// milliseconds since the Unix epoch. Nothing follows the last field. The index is part of the
/// leaf so an entry moved to another position no longer matches its leaf.
/// </summary>
public static class LogEntryEncoding
{
    /// <summary>The version byte this class writes and the only one it reads.</summary>
    public const byte Version = 1;

    /// <summary>The length that marks an absent text field.</summary>
    public const uint Absent = 0xFFFF_FFFF;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Encodes <paramref name="entry"/> as leaf <paramref name="index"/>. Times are truncated to the
    /// millisecond. Text that is not valid UTF-16 (a lone surrogate) is encoded with U+FFFD in its
    /// place, as UTF-8 has no way to carry it.
    /// </summary>
    public static byte[] Encode(long index, LogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentOutOfRangeException.ThrowIfNegative(index);

        // Two passes: measure, then write into an array of exactly that size. Every exchange is
        // encoded once on each gateway, and a guessed buffer grew once or twice and was then copied.
        var writer = new Writer(null);
        Write(ref writer, index, entry);
        writer = new Writer(new byte[writer.Length]);
        Write(ref writer, index, entry);
        return writer.Buffer!;
    }

    private static void Write(ref Writer writer, long index, LogEntry entry)
    {
        writer.Byte(Version);
        writer.Int64(index);
        writer.Text(entry.Side);
        writer.Text(entry.NaqilId);
        writer.Text(entry.Client);
        writer.Text(entry.Service);
        writer.Text(entry.User);
        writer.Text(entry.Purpose);
        writer.Text(entry.Subject);
        writer.Text(entry.Method);
        writer.Text(entry.Path);
        writer.Int32(entry.Status);
        writer.Text(entry.Outcome);
        writer.Text(entry.Peer);
        writer.Text(entry.RequestDigest);
        writer.Text(entry.RequestSignatureInput);
        writer.Text(entry.RequestSignature);
        writer.Text(entry.ResponseDigest);
        writer.Text(entry.ResponseSignatureInput);
        writer.Text(entry.ResponseSignature);
        writer.Int64(entry.Received.ToUnixTimeMilliseconds());
        writer.Int64(entry.Completed.ToUnixTimeMilliseconds());
    }

    /// <summary>The Merkle leaf hash of an encoding: <c>SHA-256(0x00 || encoding)</c>.</summary>
    public static byte[] LeafHash(ReadOnlySpan<byte> encoding) => MerkleTree.HashLeaf(encoding);

    /// <summary>
    /// Reads an encoding back: false with a reason for anything that is not exactly one
    /// version-1 entry (unknown version, truncated, invalid UTF-8, an absent required field,
    /// trailing bytes). Times come back in UTC.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoding, out long index, [NotNullWhen(true)] out LogEntry? entry, [NotNullWhen(false)] out string? error)
    {
        index = -1;
        entry = null;
        var reader = new Reader(encoding);
        if (!reader.Byte(out var version) || version != Version)
        {
            error = encoding.IsEmpty ? "the encoding is empty" : $"unknown encoding version {encoding[0]}";
            return false;
        }

        string? side = null, naqilId = null, client = null, service = null, user = null, purpose = null, subject = null, method = null, path = null;
        string? outcome = null, peer = null, requestDigest = null, requestSignatureInput = null, requestSignature = null;
        string? responseDigest = null, responseSignatureInput = null, responseSignature = null;
        var status = 0;
        long received = 0, completed = 0;
        var ok = reader.Int64(out index) && index >= 0 &&
            reader.Text(out side) && reader.Text(out naqilId) && reader.Text(out client) && reader.Text(out service) &&
            reader.Text(out user) && reader.Text(out purpose) && reader.Text(out subject) && reader.Text(out method) &&
            reader.Text(out path) && reader.Int32(out status) && reader.Text(out outcome) && reader.Text(out peer) &&
            reader.Text(out requestDigest) && reader.Text(out requestSignatureInput) && reader.Text(out requestSignature) &&
            reader.Text(out responseDigest) && reader.Text(out responseSignatureInput) && reader.Text(out responseSignature) &&
            reader.Int64(out received) && reader.Int64(out completed);
        if (!ok)
        {
            error = reader.Error ?? "the encoding is truncated or has a negative index";
            return false;
        }

        if (!reader.AtEnd)
        {
            error = "bytes follow the last field";
            return false;
        }

        if (side is null || naqilId is null || client is null || service is null || method is null || path is null || outcome is null)
        {
            error = "a required field (side, Naqil-Id, client, service, method, path or outcome) is absent";
            return false;
        }

        if (!IsUnixMillis(received) || !IsUnixMillis(completed))
        {
            error = "a time is out of range";
            return false;
        }

        entry = new LogEntry
        {
            Side = side,
            NaqilId = naqilId,
            Client = client,
            Service = service,
            User = user,
            Purpose = purpose,
            Subject = subject,
            Method = method,
            Path = path,
            Status = status,
            Outcome = outcome,
            Peer = peer,
            RequestDigest = requestDigest,
            RequestSignatureInput = requestSignatureInput,
            RequestSignature = requestSignature,
            ResponseDigest = responseDigest,
            ResponseSignatureInput = responseSignatureInput,
            ResponseSignature = responseSignature,
            Received = DateTimeOffset.FromUnixTimeMilliseconds(received),
            Completed = DateTimeOffset.FromUnixTimeMilliseconds(completed),
        };
        error = null;
        return true;
    }

    private static bool IsUnixMillis(long value) =>
        value >= DateTimeOffset.MinValue.ToUnixTimeMilliseconds() && value <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>Writes into <see cref="Buffer"/>, or with none only counts the bytes it would write.</summary>
    private struct Writer(byte[]? buffer)
    {
        public readonly byte[]? Buffer = buffer;

        public int Length { get; private set; }

        public void Byte(byte value)
        {
            if (Buffer is not null)
            {
                Buffer[Length] = value;
            }

            Length += 1;
        }

        public void Int32(int value)
        {
            if (Buffer is not null)
            {
                BinaryPrimitives.WriteInt32BigEndian(Buffer.AsSpan(Length), value);
            }

            Length += 4;
        }

        public void Int64(long value)
        {
            if (Buffer is not null)
            {
                BinaryPrimitives.WriteInt64BigEndian(Buffer.AsSpan(Length), value);
            }

            Length += 8;
        }

        public void Text(string? value)
        {
            if (Buffer is null)
            {
                Length += 4 + (value is null ? 0 : Encoding.UTF8.GetByteCount(value));
                return;
            }

            // Written first and measured by what was written: the count is not taken twice.
            var length = value is null ? 0 : Encoding.UTF8.GetBytes(value, Buffer.AsSpan(Length + 4));
            BinaryPrimitives.WriteUInt32BigEndian(Buffer.AsSpan(Length), value is null ? Absent : (uint)length);
            Length += 4 + length;
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _position;

        public string? Error { get; private set; }

        public readonly bool AtEnd => _position == _bytes.Length;

        public bool Byte(out byte value)
        {
            value = 0;
            if (_position + 1 > _bytes.Length)
            {
                return false;
            }

            value = _bytes[_position++];
            return true;
        }

        public bool Int32(out int value)
        {
            value = 0;
            if (_position + 4 > _bytes.Length)
            {
                return false;
            }

            value = BinaryPrimitives.ReadInt32BigEndian(_bytes[_position..]);
            _position += 4;
            return true;
        }

        public bool Int64(out long value)
        {
            value = 0;
            if (_position + 8 > _bytes.Length)
            {
                return false;
            }

            value = BinaryPrimitives.ReadInt64BigEndian(_bytes[_position..]);
            _position += 8;
            return true;
        }

        public bool Text(out string? value)
        {
            value = null;
            if (_position + 4 > _bytes.Length)
            {
                return false;
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(_bytes[_position..]);
            _position += 4;
            if (length == Absent)
            {
                return true;
            }

            if (length > (uint)(_bytes.Length - _position))
            {
                Error = "a text field is longer than the bytes that remain";
                return false;
            }

            try
            {
                value = StrictUtf8.GetString(_bytes.Slice(_position, (int)length));
            }
            catch (DecoderFallbackException)
            {
                Error = "a text field is not valid UTF-8";
                return false;
            }

            _position += (int)length;
            return true;
        }
    }
}

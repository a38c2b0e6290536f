using System.Buffers.Binary;
using System.Text;
using Naqil.MessageLog;

namespace Naqil.Core.Tests.MessageLog;

public sealed class LogEntryEncodingTests
{
    private static readonly DateTimeOffset Received = new(2026, 5, 4, 10, 20, 30, 456, TimeSpan.Zero);

    internal static LogEntry Full() => new()
    {
        Side = "consumer",
        NaqilId = "0f8fad5b-d9cb-469f-a165-70867728950e",
        Client = "SY/GOV/MOCT/portal",
        Service = "SY/GOV/CIVREG/registry/persons",
        User = "SY-NID:01234567890",
        Purpose = "application-processing",
        Subject = "SY-NID:09876543210",
        Method = "GET",
        Path = "/persons/1?x=1",
        Status = 200,
        Outcome = "ok",
        Peer = "SY/GOV/CIVREG/gw1",
        RequestDigest = "sha-256=:abc=:",
        RequestSignatureInput = "naqil=(\"@method\");created=1",
        RequestSignature = "naqil=:c2ln:",
        ResponseDigest = "sha-256=:def=:",
        ResponseSignatureInput = "naqil=(\"@status\");created=2",
        ResponseSignature = "naqil=:c2lnMg==:",
        Received = Received,
        Completed = Received.AddMilliseconds(37),
    };

    [Fact]
    public void Decode_OfEncode_RoundTripsEveryField()
    {
        var entry = Full();

        var encoded = LogEntryEncoding.Encode(41, entry);

        Assert.True(LogEntryEncoding.TryDecode(encoded, out var index, out var decoded, out var error), error);
        Assert.Equal(41, index);
        Assert.Equal(entry, decoded);
    }

    [Fact]
    public void Encode_AbsentAndEmptyOptionalFields_AreDistinct()
    {
        var absent = Full() with { User = null };
        var empty = Full() with { User = "" };

        var absentBytes = LogEntryEncoding.Encode(0, absent);
        var emptyBytes = LogEntryEncoding.Encode(0, empty);

        Assert.NotEqual(absentBytes, emptyBytes);
        Assert.True(LogEntryEncoding.TryDecode(absentBytes, out _, out var a, out _));
        Assert.True(LogEntryEncoding.TryDecode(emptyBytes, out _, out var e, out _));
        Assert.Null(a.User);
        Assert.Equal("", e.User);
    }

    [Fact]
    public void Encode_StartsWithVersionIndexAndLengthPrefixedSide()
    {
        var encoded = LogEntryEncoding.Encode(0x0102030405060708, Full());

        Assert.Equal(1, encoded[0]);
        Assert.Equal(0x0102030405060708, BinaryPrimitives.ReadInt64BigEndian(encoded.AsSpan(1)));
        Assert.Equal(8u, BinaryPrimitives.ReadUInt32BigEndian(encoded.AsSpan(9)));
        Assert.Equal("consumer", Encoding.UTF8.GetString(encoded, 13, 8));
        Assert.Equal(Full().Completed.ToUnixTimeMilliseconds(), BinaryPrimitives.ReadInt64BigEndian(encoded.AsSpan(encoded.Length - 8)));
    }

    public static TheoryData<string> Fields() => new(
        "Side", "NaqilId", "Client", "Service", "User", "Purpose", "Subject", "Method", "Path", "Status", "Outcome", "Peer",
        "RequestDigest", "RequestSignatureInput", "RequestSignature", "ResponseDigest", "ResponseSignatureInput", "ResponseSignature",
        "Received", "Completed");

    [Theory]
    [MemberData(nameof(Fields))]
    public void Encode_AnyFieldChanged_ChangesTheBytesAndTheLeaf(string field)
    {
        var entry = Full();
        var changed = field switch
        {
            "Side" => entry with { Side = "provider" },
            "NaqilId" => entry with { NaqilId = "0f8fad5b-d9cb-469f-a165-70867728950f" },
            "Client" => entry with { Client = "SY/GOV/MOCT/other" },
            "Service" => entry with { Service = "SY/GOV/CIVREG/registry/other" },
            "User" => entry with { User = null },
            "Purpose" => entry with { Purpose = "audit" },
            "Subject" => entry with { Subject = "" },
            "Method" => entry with { Method = "POST" },
            "Path" => entry with { Path = "/persons/1?x=2" },
            "Status" => entry with { Status = 201 },
            "Outcome" => entry with { Outcome = "access-denied" },
            "Peer" => entry with { Peer = null },
            "RequestDigest" => entry with { RequestDigest = "sha-256=:abd=:" },
            "RequestSignatureInput" => entry with { RequestSignatureInput = null },
            "RequestSignature" => entry with { RequestSignature = "naqil=:c2lo:" },
            "ResponseDigest" => entry with { ResponseDigest = null },
            "ResponseSignatureInput" => entry with { ResponseSignatureInput = "x" },
            "ResponseSignature" => entry with { ResponseSignature = "" },
            "Received" => entry with { Received = entry.Received.AddMilliseconds(1) },
            "Completed" => entry with { Completed = entry.Completed.AddMilliseconds(-1) },
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };

        var original = LogEntryEncoding.Encode(7, entry);
        var modified = LogEntryEncoding.Encode(7, changed);

        Assert.NotEqual(original, modified);
        Assert.NotEqual(LogEntryEncoding.LeafHash(original), LogEntryEncoding.LeafHash(modified));
    }

    [Fact]
    public void Encode_SameEntryAtAnotherIndex_HasAnotherLeaf()
    {
        Assert.NotEqual(LogEntryEncoding.LeafHash(LogEntryEncoding.Encode(1, Full())), LogEntryEncoding.LeafHash(LogEntryEncoding.Encode(2, Full())));
    }

    [Fact]
    public void Encode_FieldBoundariesCannotBeShifted()
    {
        // Without length prefixes "ab"+"c" and "a"+"bc" would collide.
        var first = Full() with { Client = "SY/GOV/MOCT/ab", Service = "c" };
        var second = Full() with { Client = "SY/GOV/MOCT/a", Service = "bc" };

        Assert.NotEqual(LogEntryEncoding.Encode(0, first), LogEntryEncoding.Encode(0, second));
    }

    [Fact]
    public void Encode_RealisticEntry_IsByteForByteWhatTheSpecificationSays()
    {
        // Lengths as on the bus (a key id of 64 hex digits, base64 signatures, Arabic text, a path
        // with a query), well past any first guess of a buffer size, and a lone surrogate, which
        // UTF-8 cannot carry and the specification replaces with U+FFFD (EF BF BD).
        var keyId = new string('a', 64);
        var entry = Full() with
        {
            Purpose = "معالجة-طلب",
            Path = "/persons/01010000001/record?include=addresses&lang=ar",
            Peer = "SY/GOV/CIVREG/gw1\ud800",
            RequestSignatureInput = $"naqil-request=(\"@method\" \"@path\" \"@query\" \"content-digest\" \"naqil-id\" \"naqil-client\" \"naqil-service\" \"naqil-user\" \"naqil-purpose\" \"naqil-subject\");created=1767225600;keyid=\"{keyId}\";alg=\"ecdsa-p256-sha256\";tag=\"naqil-request\"",
            RequestSignature = $"naqil-request=:{Convert.ToBase64String(new byte[64])}:",
            ResponseSignatureInput = $"naqil-response=(\"@status\" \"content-digest\" \"naqil-id\" \"signature\";req);created=1767225601;keyid=\"{keyId}\";alg=\"ecdsa-p256-sha256\";tag=\"naqil-response\"",
            ResponseSignature = $"naqil-response=:{Convert.ToBase64String(Enumerable.Range(0, 64).Select(i => (byte)i).ToArray())}:",
        };

        Assert.Equal(SpecifiedEncoding(0x0102030405060708, entry), LogEntryEncoding.Encode(0x0102030405060708, entry));
    }

    /// <summary>docs/message-log.md, field by field, written the plain way: a check on the encoder, not a copy of it.</summary>
    private static byte[] SpecifiedEncoding(long index, LogEntry e)
    {
        var bytes = new List<byte> { 1 };
        void Int(long value, int size)
        {
            for (var shift = (size - 1) * 8; shift >= 0; shift -= 8)
            {
                bytes.Add((byte)(value >> shift));
            }
        }

        void Text(string? value)
        {
            if (value is null)
            {
                Int(0xFFFF_FFFF, 4);
                return;
            }

            var utf8 = new List<byte>();
            for (var i = 0; i < value.Length; i++)
            {
                var isPair = char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]);
                var rune = isPair ? new Rune(value[i], value[++i]) : Rune.IsValid(value[i]) ? new Rune(value[i]) : Rune.ReplacementChar;
                var buffer = new byte[4];
                utf8.AddRange(buffer[..rune.EncodeToUtf8(buffer)]);
            }

            Int(utf8.Count, 4);
            bytes.AddRange(utf8);
        }

        Int(index, 8);
        foreach (var field in (string?[])[e.Side, e.NaqilId, e.Client, e.Service, e.User, e.Purpose, e.Subject, e.Method, e.Path])
        {
            Text(field);
        }

        Int(e.Status, 4);
        foreach (var field in (string?[])[e.Outcome, e.Peer, e.RequestDigest, e.RequestSignatureInput, e.RequestSignature, e.ResponseDigest, e.ResponseSignatureInput, e.ResponseSignature])
        {
            Text(field);
        }

        Int(e.Received.ToUnixTimeMilliseconds(), 8);
        Int(e.Completed.ToUnixTimeMilliseconds(), 8);
        return [.. bytes];
    }

    [Fact]
    public void LeafHash_IsSha256OfZeroByteAndEncoding()
    {
        var encoded = LogEntryEncoding.Encode(3, Full());

        Assert.Equal(System.Security.Cryptography.SHA256.HashData([0, .. encoded]), LogEntryEncoding.LeafHash(encoded));
    }

    [Fact]
    public void TryDecode_Malformed_FailsWithAReason()
    {
        var encoded = LogEntryEncoding.Encode(3, Full());
        byte[] wrongVersion = [2, .. encoded[1..]];
        byte[] trailing = [.. encoded, 0];
        var cases = new List<byte[]> { Array.Empty<byte>(), wrongVersion, encoded[..^1], trailing };
        var absentSide = LogEntryEncoding.Encode(3, Full());
        BinaryPrimitives.WriteUInt32BigEndian(absentSide.AsSpan(9), LogEntryEncoding.Absent);
        cases.Add(absentSide);
        var badUtf8 = LogEntryEncoding.Encode(3, Full());
        badUtf8[13] = 0xff;
        cases.Add(badUtf8);

        foreach (var bytes in cases)
        {
            Assert.False(LogEntryEncoding.TryDecode(bytes, out _, out var entry, out var error));
            Assert.Null(entry);
            Assert.False(string.IsNullOrEmpty(error));
        }
    }

    [Fact]
    public void Encode_TimesAreMillisecondsInUtc_WhateverTheOffset()
    {
        var local = Full() with { Received = Received.ToOffset(TimeSpan.FromHours(3)).AddTicks(5) };

        Assert.Equal(LogEntryEncoding.Encode(0, Full()), LogEntryEncoding.Encode(0, local));
    }

    [Fact]
    public void SignedTreeHead_RoundTripsThrough130Bytes()
    {
        var head = new SignedTreeHead(new TreeHead(5, new byte[32], Received), Enumerable.Range(0, 64).Select(i => (byte)i).ToArray());

        var encoded = head.Encode();

        Assert.Equal(130, encoded.Length);
        Assert.True(SignedTreeHead.TryDecode(encoded, out var decoded));
        Assert.Equal(head.Head, decoded.Head);
        Assert.Equal(head.Signature, decoded.Signature);
        Assert.False(SignedTreeHead.TryDecode(encoded[..^1], out _));
    }
}

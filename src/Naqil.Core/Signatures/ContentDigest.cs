using System.Security.Cryptography;

namespace Naqil.Signatures;

/// <summary><c>Content-Digest</c> (RFC 9530) with sha-256.</summary>
public static class ContentDigest
{
    private const string Prefix = "sha-256=:";
    private const int HashLength = 32;
    private const int Base64Length = 44;

    /// <summary>The field value for <paramref name="content"/>: <c>sha-256=:base64:</c>.</summary>
    public static string Compute(ReadOnlySpan<byte> content)
    {
        Span<byte> hash = stackalloc byte[HashLength];
        SHA256.HashData(content, hash);
        Span<char> value = stackalloc char[Prefix.Length + Base64Length + 1];
        Prefix.AsSpan().CopyTo(value);
        Convert.TryToBase64Chars(hash, value[Prefix.Length..], out _);
        value[^1] = ':';
        return new string(value);
    }

    /// <summary>
    /// True when <paramref name="fieldValue"/> (a structured dictionary) has a <c>sha-256</c> member
    /// that matches <paramref name="content"/>. Other algorithms are ignored; a field with no
    /// sha-256 member, or malformed, does not verify.
    /// </summary>
    public static bool Verify(string? fieldValue, ReadOnlySpan<byte> content)
    {
        if (fieldValue is null || fieldValue.Length > SignatureFieldParser.MaxFieldLength)
        {
            return false;
        }

        if (!StructuredFieldReader.TryFindDictionaryMember(fieldValue, "sha-256", out int start, out int end, out _) || start < 0)
        {
            return false;
        }

        var reader = new StructuredFieldReader(fieldValue, start, end);
        if (!reader.TryReadBareItem(out StructuredItem item) || item.Kind != StructuredItemKind.ByteSequence || item.Length != Base64Length)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[HashLength + 2];
        if (!Convert.TryFromBase64Chars(reader.Slice(item.Start, item.Length), expected, out int written) || written != HashLength)
        {
            return false;
        }

        Span<byte> actual = stackalloc byte[HashLength];
        SHA256.HashData(content, actual);
        return CryptographicOperations.FixedTimeEquals(expected[..HashLength], actual);
    }
}

namespace Naqil.Signatures;

/// <summary><c>Content-Digest</c> (RFC 9530) with sha-256.</summary>
public static class ContentDigest
{
    /// <summary>The field value for <paramref name="content"/>: <c>sha-256=:base64:</c>.</summary>
    public static string Compute(ReadOnlySpan<byte> content) => throw new NotImplementedException();

    /// <summary>
    /// True when <paramref name="fieldValue"/> (a structured dictionary) has a <c>sha-256</c> member
    /// that matches <paramref name="content"/>. Other algorithms are ignored; a field with no
    /// sha-256 member, or malformed, does not verify.
    /// </summary>
    public static bool Verify(string? fieldValue, ReadOnlySpan<byte> content) => throw new NotImplementedException();
}

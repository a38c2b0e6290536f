using System.Security.Cryptography;
using System.Text;
using Naqil.Signatures;

namespace Naqil.Core.Tests.Signatures;

public sealed class ContentDigestTests
{
    /// <summary>The body of RFC 9421's test-request (and of RFC 9530's examples).</summary>
    private static readonly byte[] HelloWorld = Encoding.UTF8.GetBytes("""{"hello": "world"}""");

    [Fact]
    public void Compute_IsSha256AsStructuredByteSequence()
    {
        string expected = "sha-256=:" + Convert.ToBase64String(SHA256.HashData(HelloWorld)) + ":";

        Assert.Equal(expected, ContentDigest.Compute(HelloWorld));
        Assert.Equal("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", ContentDigest.Compute(HelloWorld));
    }

    [Fact]
    public void Compute_EmptyContent_IsDigestOfNothing()
    {
        Assert.Equal("sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:", ContentDigest.Compute([]));
    }

    [Fact]
    public void Verify_MatchingContent_Succeeds()
    {
        Assert.True(ContentDigest.Verify(ContentDigest.Compute(HelloWorld), HelloWorld));
    }

    [Fact]
    public void Verify_AmongOtherAlgorithms_UsesSha256()
    {
        string sha512 = "sha-512=:" + Convert.ToBase64String(SHA512.HashData(HelloWorld)) + ":";
        string sha256 = ContentDigest.Compute(HelloWorld);

        Assert.True(ContentDigest.Verify($"{sha512}, {sha256}", HelloWorld));
        Assert.True(ContentDigest.Verify($"unixsum=:AAAA:,{sha256};p=1", HelloWorld));
    }

    [Fact]
    public void Verify_OnlySha512_Fails()
    {
        string sha512 = "sha-512=:" + Convert.ToBase64String(SHA512.HashData(HelloWorld)) + ":";

        Assert.False(ContentDigest.Verify(sha512, HelloWorld));
    }

    [Fact]
    public void Verify_TamperedContent_Fails()
    {
        string digest = ContentDigest.Compute(HelloWorld);

        Assert.False(ContentDigest.Verify(digest, Encoding.UTF8.GetBytes("""{"hello": "world!"}""")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=")]
    [InlineData("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE:")]
    [InlineData("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=")]
    [InlineData("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:,")]
    [InlineData("SHA-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:")]
    [InlineData("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:X")]
    [InlineData("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=AAAA:")]
    [InlineData("sha-256=(:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:)")]
    public void Verify_MalformedField_Fails(string? field)
    {
        Assert.False(ContentDigest.Verify(field, HelloWorld));
    }

    [Fact]
    public void Verify_HugeField_Fails()
    {
        string field = ContentDigest.Compute(HelloWorld) + ", " + string.Concat(Enumerable.Repeat("x=:AAAA:, ", 1000));

        Assert.False(ContentDigest.Verify(field, HelloWorld));
    }
}

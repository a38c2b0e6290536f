using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Naqil.MessageLog;

namespace Naqil.Core.Tests.MessageLog;

public sealed class TreeHeadTests
{
    private static readonly byte[] Root = SHA256.HashData("root"u8);
    private static readonly DateTimeOffset Time = new(2026, 3, 1, 12, 30, 45, 123, TimeSpan.FromHours(3));

    [Fact]
    public void Encode_IsLabelBigEndianSizeRootAndUnixMilliseconds()
    {
        var head = new TreeHead(0x0102030405060708, Root, Time);

        var encoded = head.Encode();

        Assert.Equal(TreeHead.EncodedLength, encoded.Length);
        Assert.Equal(66, encoded.Length);
        Assert.Equal("naqil-tree-head-v1", Encoding.ASCII.GetString(encoded, 0, 18));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, encoded[18..26]);
        Assert.Equal(Root, encoded[26..58]);
        Assert.Equal(Time.ToUnixTimeMilliseconds(), BinaryPrimitives.ReadInt64BigEndian(encoded.AsSpan(58)));
    }

    [Fact]
    public void Constructor_TruncatesTimestampToMillisecondsInUtc()
    {
        var head = new TreeHead(1, Root, Time.AddTicks(9999));

        Assert.Equal(Time.ToUniversalTime(), head.Timestamp);
        Assert.Equal(TimeSpan.Zero, head.Timestamp.Offset);
    }

    [Fact]
    public void TryDecode_EncodedHead_RoundTripsToAnEqualHead()
    {
        var head = new TreeHead(42, Root, Time);

        Assert.True(TreeHead.TryDecode(head.Encode(), out var decoded));
        Assert.Equal(head, decoded);
        Assert.Equal(head.GetHashCode(), decoded.GetHashCode());
    }

    [Fact]
    public void TryDecode_WrongLabelOrLengthOrNegativeSize_ReturnsFalse()
    {
        var encoded = new TreeHead(42, Root, Time).Encode();
        var wrongLabel = (byte[])encoded.Clone();
        wrongLabel[0] ^= 0x20;
        var negative = (byte[])encoded.Clone();
        negative[18] = 0x80;

        Assert.False(TreeHead.TryDecode(wrongLabel, out _));
        Assert.False(TreeHead.TryDecode(encoded[..^1], out _));
        Assert.False(TreeHead.TryDecode([.. encoded, 0], out _));
        Assert.False(TreeHead.TryDecode(negative, out _));
        Assert.False(TreeHead.TryDecode([], out _));
    }

    [Fact]
    public void Sign_P256_ProducesP1363SignatureThatVerifiesWithThePublicKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var publicKey = ECDsa.Create(key.ExportParameters(false));
        var head = new TreeHead(7, Root, Time);

        var signature = head.Sign(key);

        Assert.Equal(64, signature.Length);
        Assert.True(head.VerifySignature(signature, publicKey));
        Assert.True(publicKey.VerifyData(head.Encode(), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    [Fact]
    public void VerifySignature_AnyFieldChanged_Fails()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var head = new TreeHead(7, Root, Time);
        var signature = head.Sign(key);
        var otherRoot = (byte[])Root.Clone();
        otherRoot[31] ^= 1;

        Assert.False(new TreeHead(8, Root, Time).VerifySignature(signature, key));
        Assert.False(new TreeHead(7, otherRoot, Time).VerifySignature(signature, key));
        Assert.False(new TreeHead(7, Root, Time.AddMilliseconds(1)).VerifySignature(signature, key));
    }

    [Fact]
    public void VerifySignature_MalformedSignatureOrWrongKey_ReturnsFalseWithoutThrowing()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var head = new TreeHead(7, Root, Time);
        var signature = head.Sign(key);
        var der = key.SignData(head.Encode(), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        Assert.False(head.VerifySignature(signature, otherKey));
        Assert.False(head.VerifySignature(signature, p384));
        Assert.False(head.VerifySignature(signature, null));
        Assert.False(head.VerifySignature(signature[..63], key));
        Assert.False(head.VerifySignature(der, key));
        Assert.False(head.VerifySignature(new byte[64], key));
    }

    [Fact]
    public void Sign_NonP256Key_Throws()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        Assert.Throws<ArgumentException>(() => new TreeHead(1, Root, Time).Sign(p384));
    }

    [Fact]
    public void Constructor_RootNot32BytesOrNegativeSize_Throws()
    {
        Assert.Throws<ArgumentException>(() => new TreeHead(1, Root[..31], Time));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TreeHead(-1, Root, Time));
    }
}

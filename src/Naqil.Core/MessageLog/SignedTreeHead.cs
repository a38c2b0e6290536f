using System.Diagnostics.CodeAnalysis;

namespace Naqil.MessageLog;

/// <summary>
/// A tree head with the gateway's signature over <see cref="TreeHead.Encode"/>. Its encoding
/// (<see cref="Encode"/>, 130 bytes: the 66-byte tree head then the 64-byte P1363 signature) is
/// what the gateway has time-stamped: the TSA token's imprint is SHA-256 of these bytes, so a
/// token proves that the signed head existed by the token's time.
/// </summary>
public sealed record SignedTreeHead(TreeHead Head, byte[] Signature)
{
    /// <summary>Length of <see cref="Encode"/>'s output.</summary>
    public const int EncodedLength = TreeHead.EncodedLength + TreeHead.SignatureLength;

    /// <summary>The tree head's encoding followed by the signature.</summary>
    public byte[] Encode()
    {
        var bytes = new byte[EncodedLength];
        Head.Encode().CopyTo(bytes, 0);
        Signature.AsSpan(0, TreeHead.SignatureLength).CopyTo(bytes.AsSpan(TreeHead.EncodedLength));
        return bytes;
    }

    /// <summary>Reads <see cref="Encode"/>'s output; false for anything else.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, [NotNullWhen(true)] out SignedTreeHead? signedTreeHead)
    {
        signedTreeHead = null;
        if (encoded.Length != EncodedLength || !TreeHead.TryDecode(encoded[..TreeHead.EncodedLength], out var head))
        {
            return false;
        }

        signedTreeHead = new SignedTreeHead(head, encoded[TreeHead.EncodedLength..].ToArray());
        return true;
    }
}

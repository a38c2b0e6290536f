using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Naqil.Trust;

/// <summary>
/// A trust configuration as it travels: the exact JSON bytes and a detached JWS (RFC 7515
/// Appendix F, ES256) over them. The registry serves the bytes as the body of
/// <c>GET /trust/v1/config</c> and the JWS in the <see cref="SignatureHeader"/> header.
/// </summary>
public sealed class SignedTrustConfiguration
{
    public const string SignatureHeader = "Naqil-Config-Signature";
    public const string JwsType = "naqil-trust+json";

    /// <summary>Payload bytes base64url-encoded and hashed at a time (a multiple of three: no padding inside).</summary>
    internal const int SigningInputSlice = 3 * 16 * 1024;

    private SignedTrustConfiguration(TrustConfiguration configuration, byte[] payload, string jws)
    {
        Configuration = configuration;
        Payload = payload;
        Jws = jws;
    }

    public TrustConfiguration Configuration { get; }

    public byte[] Payload { get; }

    /// <summary>Compact JWS with an empty payload part: <c>header..signature</c>.</summary>
    public string Jws { get; }

    public static SignedTrustConfiguration Sign(TrustConfiguration configuration, ECDsa key, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(certificate);
        var payload = JsonSerializer.SerializeToUtf8Bytes(configuration, TrustJsonWriter.Context.TrustConfiguration);
        var header = JsonSerializer.SerializeToUtf8Bytes(
            new JwsHeader("ES256", Thumbprint(certificate), JwsType), TrustJsonContext.Default.JwsHeader);
        var encodedHeader = Base64Url.EncodeToString(header);
        var signature = key.SignHash(HashSigningInput(encodedHeader, payload), DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return new SignedTrustConfiguration(configuration, payload, $"{encodedHeader}..{Base64Url.EncodeToString(signature)}");
    }

    /// <summary>
    /// Checks the JWS against <paramref name="anchor"/> and parses the payload. Fails, with a
    /// sentence saying why, on a malformed JWS, an algorithm other than ES256, a bad signature or a
    /// payload that is not a trust configuration. Expiry and serial are the caller's policy.
    /// </summary>
    public static bool TryVerify(byte[] payload, string? jws, X509Certificate2 anchor, [NotNullWhen(true)] out SignedTrustConfiguration? verified, [NotNullWhen(false)] out string? error)
    {
        verified = null;
        return TryVerifySignature(payload, jws, anchor, out error) && TryParseVerified(payload, jws, out verified, out error);
    }

    /// <summary>The first half of <see cref="TryVerify"/>: the detached JWS over <paramref name="payload"/>, nothing parsed.</summary>
    internal static bool TryVerifySignature(byte[] payload, [NotNullWhen(true)] string? jws, X509Certificate2 anchor, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(anchor);
        var parts = jws?.Split('.');
        if (parts is not { Length: 3 } || parts[1].Length != 0)
        {
            error = "the configuration signature is not a detached compact JWS (header..signature)";
            return false;
        }

        JwsHeader? header;
        byte[] signature;
        try
        {
            header = JsonSerializer.Deserialize(Base64Url.DecodeFromChars(parts[0]), TrustJsonContext.Default.JwsHeader);
            signature = Base64Url.DecodeFromChars(parts[2]);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            error = "the configuration signature's header or signature is not valid base64url JSON";
            return false;
        }

        if (header?.Alg != "ES256")
        {
            error = $"the configuration signature uses alg '{header?.Alg}'; only ES256 is accepted";
            return false;
        }

        using var key = anchor.GetECDsaPublicKey();
        if (key is null || signature.Length != 64
            || !key.VerifyHash(HashSigningInput(parts[0], payload), signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            error = "the configuration signature does not verify with the anchor certificate";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>
    /// The second half of <see cref="TryVerify"/>: parses a payload whose signature
    /// <see cref="TryVerifySignature"/> has just accepted. Never call it on bytes that were not verified.
    /// </summary>
    internal static bool TryParseVerified(byte[] payload, string jws, [NotNullWhen(true)] out SignedTrustConfiguration? verified, [NotNullWhen(false)] out string? error)
    {
        verified = null;
        TrustConfiguration? configuration;
        try
        {
            configuration = JsonSerializer.Deserialize(payload, TrustJsonContext.Default.TrustConfiguration);
        }
        catch (JsonException e)
        {
            error = $"the configuration is signed but is not a valid trust configuration: {e.Message}";
            return false;
        }

        if (configuration is null || configuration.Format != TrustConfiguration.CurrentFormat)
        {
            error = $"the configuration format {configuration?.Format} is not supported; expected {TrustConfiguration.CurrentFormat}";
            return false;
        }

        verified = new SignedTrustConfiguration(configuration, payload, jws);
        error = null;
        return true;
    }

    /// <summary>Lower-case hex SHA-256 of the certificate's DER: the key identifier used across Naqil.</summary>
    public static string Thumbprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));
    }

    /// <summary>
    /// SHA-256 of the JWS signing input, <c>ASCII(header-b64 '.' base64url(payload))</c> (RFC 7515
    /// §5.1), fed to the hash in slices rather than built whole: an 11 MiB payload would otherwise
    /// become a 15 MiB string, a second copy of it and a 15 MiB byte array before a byte is hashed.
    /// Each slice is a multiple of three bytes, so its base64url is exactly that part of the whole.
    /// </summary>
    internal static byte[] HashSigningInput(string encodedHeader, ReadOnlySpan<byte> payload)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.ASCII.GetBytes(encodedHeader));
        hash.AppendData("."u8);
        var buffer = ArrayPool<byte>.Shared.Rent(Base64Url.GetEncodedLength(SigningInputSlice));
        try
        {
            while (!payload.IsEmpty)
            {
                var slice = payload[..Math.Min(SigningInputSlice, payload.Length)];
                var written = Base64Url.EncodeToUtf8(slice, buffer);
                hash.AppendData(buffer.AsSpan(0, written));
                payload = payload[slice.Length..];
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return hash.GetHashAndReset();
    }
}

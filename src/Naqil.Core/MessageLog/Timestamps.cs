using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Tsp;
using Org.BouncyCastle.X509;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Naqil.MessageLog;

/// <summary>
/// The client side of RFC 3161 time-stamping: the gateway builds a request for the SHA-256 of a
/// signed tree head, checks the TSA's response, and anyone holding the TSA certificate (for
/// example <c>naqil log verify</c>, offline) checks the token later. Only SHA-256 imprints are
/// used. The Try methods never throw on bad input; they return false with a reason.
/// </summary>
public static class TimestampTokens
{
    /// <summary>id-kp-timeStamping (RFC 5280 §4.2.1.12).</summary>
    public const string TimeStampingOid = "1.3.6.1.5.5.7.3.8";

    private const int Sha256Length = 32;
    private const int NonceLength = 16;

    /// <summary>
    /// A DER TimeStampReq for <paramref name="sha256Digest"/> with certReq set and a fresh 128-bit
    /// <paramref name="nonce"/> (unsigned big-endian) to pass to <see cref="TryReadResponse"/>.
    /// </summary>
    public static byte[] CreateRequest(ReadOnlySpan<byte> sha256Digest, out byte[] nonce)
    {
        if (sha256Digest.Length != Sha256Length)
        {
            throw new ArgumentException($"A SHA-256 digest is {Sha256Length} bytes, not {sha256Digest.Length}.", nameof(sha256Digest));
        }

        nonce = RandomNumberGenerator.GetBytes(NonceLength);

        // Keep the top bit clear and the next one set, so the INTEGER is positive and always
        // encodes in exactly 16 bytes: the nonce bytes and the nonce value then mean the same.
        nonce[0] = (byte)((nonce[0] & 0x7f) | 0x40);
        var generator = new TimeStampRequestGenerator();
        generator.SetCertReq(true);
        return generator.Generate(TspAlgorithms.Sha256, sha256Digest.ToArray(), new BigInteger(1, nonce)).GetEncoded();
    }

    /// <summary>
    /// Reads a DER TimeStampResp: true with the DER TimeStampToken (a CMS ContentInfo) when the
    /// status is granted (or grantedWithMods) and the token's imprint is the SHA-256
    /// <paramref name="expectedDigest"/> and its nonce is <paramref name="nonce"/>. The token's
    /// signature is not checked here; use <see cref="TryVerifyToken"/> with the TSA certificate.
    /// </summary>
    public static bool TryReadResponse(
        byte[] responseDer,
        byte[] expectedDigest,
        byte[] nonce,
        [NotNullWhen(true)] out byte[]? tokenDer,
        [NotNullWhen(false)] out string? error)
    {
        tokenDer = null;
        if (responseDer is null || expectedDigest is null || nonce is null)
        {
            error = "The response, the expected digest and the nonce are all required.";
            return false;
        }

        TimeStampResponse response;
        try
        {
            response = new TimeStampResponse(responseDer);
        }
        catch (Exception ex)
        {
            error = $"The response is not a valid TimeStampResp ({ex.GetType().Name}).";
            return false;
        }

        // PKIStatus granted (0) and grantedWithMods (1) both carry a token (RFC 3161 §2.4.2).
        if (response.Status is not (0 or 1))
        {
            error = $"The TSA did not grant the request: status {response.Status}, failInfo {response.GetFailInfo()?.IntValue}, \"{response.GetStatusString()}\".";
            return false;
        }

        if (response.TimeStampToken is not { } token)
        {
            error = "The response grants the request but carries no token.";
            return false;
        }

        if (!TryCheckImprint(token, expectedDigest, out error))
        {
            return false;
        }

        if (token.TimeStampInfo.Nonce is not { } tokenNonce || !tokenNonce.Equals(new BigInteger(1, nonce)))
        {
            error = "The token's nonce is not the request's.";
            return false;
        }

        try
        {
            tokenDer = token.GetEncoded();
        }
        catch (Exception ex)
        {
            error = $"The token cannot be encoded ({ex.GetType().Name}).";
            return false;
        }

        return true;
    }

    /// <summary>
    /// Verifies a DER TimeStampToken offline: true with the token's genTime when it is signed by
    /// <paramref name="tsaCertificate"/> (signature, ESS signing-certificate binding, certificate
    /// validity at genTime), the certificate carries the critical id-kp-timeStamping extended key
    /// usage, and the token's imprint is the SHA-256 <paramref name="expectedSha256Digest"/>.
    /// Trust in the certificate itself (chain, revocation) is the caller's: the trust configuration
    /// names the TSA certificate.
    /// </summary>
    public static bool TryVerifyToken(
        byte[] tokenDer,
        byte[] expectedSha256Digest,
        X509Certificate2 tsaCertificate,
        out DateTimeOffset genTime,
        [NotNullWhen(false)] out string? error)
    {
        genTime = default;
        if (tokenDer is null || expectedSha256Digest is null || tsaCertificate is null)
        {
            error = "The token, the expected digest and the TSA certificate are all required.";
            return false;
        }

        bool usable;
        try
        {
            usable = HasCriticalTimeStampingUsage(tsaCertificate);
        }
        catch (CryptographicException)
        {
            usable = false;
        }

        if (!usable)
        {
            error = "The TSA certificate does not have the critical id-kp-timeStamping extended key usage.";
            return false;
        }

        TimeStampToken token;
        try
        {
            token = new TimeStampToken(new CmsSignedData(tokenDer));
        }
        catch (Exception ex)
        {
            error = $"The token is not a valid TimeStampToken ({ex.GetType().Name}).";
            return false;
        }

        if (!TryCheckImprint(token, expectedSha256Digest, out error))
        {
            return false;
        }

        try
        {
            token.Validate(new X509CertificateParser().ReadCertificate(tsaCertificate.RawData));
        }
        catch (Exception ex)
        {
            error = $"The token does not verify with the TSA certificate: {ex.Message}";
            return false;
        }

        genTime = new DateTimeOffset(DateTime.SpecifyKind(token.TimeStampInfo.GenTime, DateTimeKind.Utc));
        return true;
    }

    private static bool TryCheckImprint(TimeStampToken token, byte[] expectedDigest, [NotNullWhen(false)] out string? error)
    {
        var info = token.TimeStampInfo;
        if (info.MessageImprintAlgOid != TspAlgorithms.Sha256)
        {
            error = $"The token's imprint uses {info.MessageImprintAlgOid}, not SHA-256.";
            return false;
        }

        if (!CryptographicOperations.FixedTimeEquals(info.GetMessageImprintDigest(), expectedDigest))
        {
            error = "The token is for a different digest.";
            return false;
        }

        error = null;
        return true;
    }

    private static bool HasCriticalTimeStampingUsage(X509Certificate2 certificate)
    {
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509EnhancedKeyUsageExtension eku)
            {
                return eku.Critical && eku.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == TimeStampingOid);
            }
        }

        return false;
    }
}

using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Naqil.Signatures;

/// <summary>HTTP Message Signatures (RFC 9421) with <c>ecdsa-p256-sha256</c>.</summary>
public static class HttpMessageSignatures
{
    public const string EcdsaP256Sha256 = "ecdsa-p256-sha256";

    /// <summary>
    /// Builds the signature base (RFC 9421 §2.5). Components marked <c>;req</c> are taken from
    /// <paramref name="request"/>. Throws <see cref="SignatureException"/> with
    /// <see cref="SignatureFailure.MissingComponent"/> when a covered component is absent.
    /// </summary>
    public static string BuildSignatureBase(HttpMessageComponents message, HttpMessageComponents? request, SignatureParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(parameters);
        return SignatureBase.Build(message, request, parameters);
    }

    /// <summary>Signs and returns the two field values to send: <c>Signature-Input</c> and <c>Signature</c> (both <c>label=...</c>).</summary>
    public static SignedFields Sign(HttpMessageComponents message, HttpMessageComponents? request, SignatureParameters parameters, string label, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(key);
        if (!IsDictionaryKey(label))
        {
            throw new ArgumentException("A signature label must be a structured-field key: a lower-case letter or '*', then lower-case letters, digits, '_', '-', '.' or '*'.", nameof(label));
        }

        if (key.KeySize != 256)
        {
            throw new ArgumentException($"ecdsa-p256-sha256 needs a P-256 key; this key has {key.KeySize} bits.", nameof(key));
        }

        string signatureParams = parameters.Serialize();
        byte[] signature = WithBase(message, request, parameters, signatureParams, key, static (data, k) => k.SignData(data, HashAlgorithmName.SHA256));
        return new SignedFields(
            string.Concat(label, "=", signatureParams),
            string.Concat(label, "=:", Convert.ToBase64String(signature), ":"));
    }

    /// <summary>
    /// Finds <paramref name="label"/> in the <c>Signature-Input</c> and <c>Signature</c> field values
    /// and parses it. Fails with <see cref="SignatureFailure.Missing"/> or <see cref="SignatureFailure.Malformed"/>.
    /// </summary>
    public static bool TryParse(string? signatureInput, string? signature, string label, out ParsedSignature parsed, out SignatureFailure failure, out string detail)
    {
        ArgumentNullException.ThrowIfNull(label);
        bool ok = SignatureFieldParser.TryParse(signatureInput, signature, label, out ParsedSignature? result, out failure, out detail);

        // The public signature predates nullable out values: callers read parsed only on true.
        parsed = result!;
        return ok;
    }

    /// <summary>
    /// Verifies a parsed signature over the message with the public key; never throws for bad
    /// input. Fails with <see cref="SignatureFailure.UnsupportedAlgorithm"/> when the parameters name an
    /// <c>alg</c> other than ecdsa-p256-sha256, <see cref="SignatureFailure.MissingComponent"/> or
    /// <see cref="SignatureFailure.Invalid"/>.
    /// </summary>
    public static bool Verify(HttpMessageComponents message, HttpMessageComponents? request, ParsedSignature parsed, ECDsa publicKey, out SignatureFailure failure, out string detail)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(parsed);
        ArgumentNullException.ThrowIfNull(publicKey);

        // Cheap refusals first: they need neither the base nor the key's arithmetic.
        if (parsed.Parameters.Algorithm is { } algorithm && algorithm != EcdsaP256Sha256)
        {
            return Fail(SignatureFailure.UnsupportedAlgorithm, $"the algorithm \"{algorithm}\" is not supported; only {EcdsaP256Sha256} is", out failure, out detail);
        }

        if (parsed.Signature is not { Length: SignatureLength })
        {
            return Fail(SignatureFailure.Invalid, $"the signature is {parsed.Signature?.Length ?? 0} bytes; an {EcdsaP256Sha256} signature is {SignatureLength}", out failure, out detail);
        }

        if (publicKey.KeySize != 256)
        {
            return Fail(SignatureFailure.Invalid, $"the verification key has {publicKey.KeySize} bits, not P-256's 256", out failure, out detail);
        }

        bool valid;
        try
        {
            valid = WithBase(message, request, parsed.Parameters, parsed.Parameters.Serialize(), (publicKey, parsed.Signature), static (data, state) =>
                state.publicKey.VerifyData(data, state.Signature, HashAlgorithmName.SHA256));
        }
        catch (SignatureException e)
        {
            return Fail(e.Failure, e.Message, out failure, out detail);
        }
        catch (CryptographicException)
        {
            valid = false;
        }

        if (!valid)
        {
            return Fail(SignatureFailure.Invalid, $"the signature labelled \"{parsed.Label}\" does not match the message and key", out failure, out detail);
        }

        failure = SignatureFailure.None;
        detail = string.Empty;
        return true;
    }

    /// <summary>r || s, 32 bytes each (IEEE P1363), as RFC 9421 §3.3.4 requires.</summary>
    private const int SignatureLength = 64;

    /// <summary>
    /// Builds the base as UTF-8 in pooled buffers and hands it to <paramref name="action"/>: the
    /// base is a few hundred bytes, built four times per exchange, and never needed as a string.
    /// </summary>
    private static TResult WithBase<TState, TResult>(HttpMessageComponents message, HttpMessageComponents? request, SignatureParameters parameters, string signatureParams, TState state, Utf8Func<TState, TResult> action)
    {
        var chars = new CharBuffer(1024);
        try
        {
            SignatureBase.Write(message, request, parameters, signatureParams, ref chars);
            ReadOnlySpan<char> written = chars.Written;
            byte[] buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(written.Length));
            try
            {
                int length = Encoding.UTF8.GetBytes(written, buffer);
                return action(buffer.AsSpan(0, length), state);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        finally
        {
            chars.Dispose();
        }
    }

    private delegate TResult Utf8Func<TState, TResult>(ReadOnlySpan<byte> data, TState state);

    private static bool IsDictionaryKey(string? label)
    {
        if (string.IsNullOrEmpty(label) || !(label[0] is (>= 'a' and <= 'z') or '*'))
        {
            return false;
        }

        foreach (char c in label)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-' or '.' or '*'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Fail(SignatureFailure failure, string message, out SignatureFailure failureOut, out string detail)
    {
        failureOut = failure;
        detail = message;
        return false;
    }
}

/// <summary>The header field values a signer adds: <c>Signature-Input: {SignatureInput}</c> and <c>Signature: {Signature}</c>.</summary>
public readonly record struct SignedFields(string SignatureInput, string Signature);

/// <summary>One signature taken from a message: its label, parameters and signature bytes.</summary>
public sealed record ParsedSignature(string Label, SignatureParameters Parameters, byte[] Signature);

public enum SignatureFailure
{
    None,
    Missing,
    Malformed,
    UnsupportedAlgorithm,
    MissingComponent,
    Invalid,
}

public sealed class SignatureException(SignatureFailure failure, string message) : Exception(message)
{
    public SignatureFailure Failure { get; } = failure;
}

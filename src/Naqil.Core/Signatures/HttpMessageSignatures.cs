using System.Security.Cryptography;

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
    public static string BuildSignatureBase(HttpMessageComponents message, HttpMessageComponents? request, SignatureParameters parameters) =>
        throw new NotImplementedException();

    /// <summary>Signs and returns the two field values to send: <c>Signature-Input</c> and <c>Signature</c> (both <c>label=...</c>).</summary>
    public static SignedFields Sign(HttpMessageComponents message, HttpMessageComponents? request, SignatureParameters parameters, string label, ECDsa key) =>
        throw new NotImplementedException();

    /// <summary>
    /// Finds <paramref name="label"/> in the <c>Signature-Input</c> and <c>Signature</c> field values
    /// and parses it. Fails with <see cref="SignatureFailure.Missing"/> or <see cref="SignatureFailure.Malformed"/>.
    /// </summary>
    public static bool TryParse(string? signatureInput, string? signature, string label, out ParsedSignature parsed, out SignatureFailure failure, out string detail) =>
        throw new NotImplementedException();

    /// <summary>
    /// Verifies a parsed signature over the message with the public key; never throws for bad
    /// input. Fails with <see cref="SignatureFailure.UnsupportedAlgorithm"/> when the parameters name an
    /// <c>alg</c> other than ecdsa-p256-sha256, <see cref="SignatureFailure.MissingComponent"/> or
    /// <see cref="SignatureFailure.Invalid"/>.
    /// </summary>
    public static bool Verify(HttpMessageComponents message, HttpMessageComponents? request, ParsedSignature parsed, ECDsa publicKey, out SignatureFailure failure, out string detail) =>
        throw new NotImplementedException();
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

namespace Naqil.Signatures;

/// <summary>
/// The signature parameters of RFC 9421 §2.3: the covered components and their metadata.
/// When parsed from a <c>Signature-Input</c> field, <see cref="Raw"/> keeps the exact serialization
/// received, which is what the <c>@signature-params</c> line of the signature base must use.
/// </summary>
public sealed record SignatureParameters
{
    public required IReadOnlyList<ComponentId> Components { get; init; }

    public long? Created { get; init; }

    public long? Expires { get; init; }

    public string? Nonce { get; init; }

    public string? Algorithm { get; init; }

    public string? KeyId { get; init; }

    public string? Tag { get; init; }

    /// <summary>The serialization as received; null for parameters built locally.</summary>
    public string? Raw { get; init; }

    /// <summary>
    /// The inner-list serialization (<c>("@method" "@path");created=1618884473;keyid="k";alg="ecdsa-p256-sha256";tag="t"</c>).
    /// Returns <see cref="Raw"/> when present. Parameter order: created, expires, nonce, alg, keyid, tag.
    /// </summary>
    public string Serialize() => throw new NotImplementedException();
}

using System.Globalization;
using System.Text;

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
    /// <exception cref="SignatureException">A string parameter holds a character a structured string cannot carry (<see cref="SignatureFailure.Malformed"/>).</exception>
    public string Serialize()
    {
        if (Raw is not null)
        {
            return Raw;
        }

        var builder = new StringBuilder(SerializedLengthHint());
        builder.Append('(');
        for (int i = 0; i < Components.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(' ');
            }

            ComponentId component = Components[i];
            if (ComponentNames.Validate(component.Name) is { } error)
            {
                throw new SignatureException(SignatureFailure.Malformed, error);
            }

            builder.Append('"').Append(component.Name).Append('"');
            if (component.FromRequest)
            {
                builder.Append(";req");
            }
        }

        builder.Append(')');
        if (Created is { } created)
        {
            builder.Append(CultureInfo.InvariantCulture, $";created={created}");
        }

        if (Expires is { } expires)
        {
            builder.Append(CultureInfo.InvariantCulture, $";expires={expires}");
        }

        AppendString(builder, "nonce", Nonce);
        AppendString(builder, "alg", Algorithm);
        AppendString(builder, "keyid", KeyId);
        AppendString(builder, "tag", Tag);
        return builder.ToString();
    }

    /// <summary>
    /// The serialization's length but for escapes, so the builder is sized once: a guess from the
    /// component count alone grew it twice per signature (a key id is 64 characters).
    /// </summary>
    private int SerializedLengthHint()
    {
        var length = 2 + (2 * 29); // the parentheses; ;created= and ;expires= with 20 digits each
        foreach (var component in Components)
        {
            length += component.Name.Length + 3 + (component.FromRequest ? 4 : 0);
        }

        foreach (var value in (ReadOnlySpan<string?>)[Nonce, Algorithm, KeyId, Tag])
        {
            length += value is null ? 0 : value.Length + 10; // ;keyid="..." and the like
        }

        return length;
    }

    private static void AppendString(StringBuilder builder, string key, string? value)
    {
        if (value is null)
        {
            return;
        }

        builder.Append(';').Append(key).Append("=\"");
        foreach (char c in value)
        {
            if (c is < ' ' or > '~')
            {
                // A structured string is printable ASCII only (RFC 8941 §3.3.3); anything else
                // would produce a field that no verifier can parse, or a forged base line.
                throw new SignatureException(SignatureFailure.Malformed, $"the {key} parameter contains a character that a structured string cannot hold");
            }

            if (c is '"' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        builder.Append('"');
    }
}

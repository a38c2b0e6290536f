namespace Naqil.Signatures;

/// <summary>Which component names this implementation accepts, checked before a name reaches a signature base.</summary>
internal static class ComponentNames
{
    public const string Method = "@method";
    public const string Authority = "@authority";
    public const string Scheme = "@scheme";
    public const string Path = "@path";
    public const string Query = "@query";
    public const string Status = "@status";
    public const string TargetUri = "@target-uri";

    /// <summary>
    /// Null when <paramref name="name"/> is a supported derived component or a lower-case field
    /// name; otherwise why not. Upper case is refused rather than folded: RFC 9421 §2.1 requires
    /// lower-case identifiers, and folding would let two spellings sign the same base.
    /// </summary>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "a component name is empty";
        }

        if (name[0] == '@')
        {
            return name is Method or Authority or Scheme or Path or Query or Status or TargetUri
                ? null
                : $"the derived component \"{name}\" is not supported";
        }

        foreach (char c in name)
        {
            if (c is >= 'A' and <= 'Z')
            {
                return $"the component name \"{name}\" must be lower case";
            }

            if (!StructuredFieldReader.IsTchar(c))
            {
                return "a component name contains a character that a field name cannot hold";
            }
        }

        return null;
    }

    /// <summary>
    /// The string for a name or value that every Naqil signature carries (the components of
    /// docs/protocol.md, the algorithm, the two tags), so parsing a <c>Signature-Input</c> does not
    /// allocate a copy of each on every exchange; null for anything else.
    /// </summary>
    public static string? Known(ReadOnlySpan<char> text) => text switch
    {
        Method => Method,
        Path => Path,
        Query => Query,
        Status => Status,
        Authority => Authority,
        "content-digest" => "content-digest",
        "content-type" => "content-type",
        "signature" => "signature",
        "naqil-id" => "naqil-id",
        "naqil-client" => "naqil-client",
        "naqil-service" => "naqil-service",
        "naqil-user" => "naqil-user",
        "naqil-purpose" => "naqil-purpose",
        "naqil-subject" => "naqil-subject",
        HttpMessageSignatures.EcdsaP256Sha256 => HttpMessageSignatures.EcdsaP256Sha256,
        "naqil-request" => "naqil-request",
        "naqil-response" => "naqil-response",
        _ => null,
    };
}

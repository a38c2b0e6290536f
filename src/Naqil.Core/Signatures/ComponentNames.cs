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
}

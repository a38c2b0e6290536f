namespace Naqil.Signatures;

/// <summary>
/// One covered component: a derived component (<c>@method</c>) or a lower-case field name
/// (<c>content-digest</c>), optionally taken from the request that a response answers (<c>;req</c>).
/// </summary>
public readonly record struct ComponentId(string Name, bool FromRequest = false)
{
    /// <summary>The component identifier as it appears in the signature base: <c>"@status"</c> or <c>"signature";req</c>.</summary>
    public string Serialize() => FromRequest ? $"\"{Name}\";req" : $"\"{Name}\"";

    public override string ToString() => Serialize();
}

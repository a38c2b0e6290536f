namespace Naqil.Signatures;

/// <summary>
/// What RFC 9421 needs to see of one HTTP message: derived components and header fields.
/// Adapters build it from ASP.NET Core's <c>HttpRequest</c> or from <c>HttpRequestMessage</c>.
/// </summary>
public sealed record HttpMessageComponents
{
    /// <summary><c>@method</c>, requests only, as on the wire (upper case for standard methods).</summary>
    public string? Method { get; init; }

    /// <summary><c>@authority</c>, requests only: host and port if not default, lower case.</summary>
    public string? Authority { get; init; }

    /// <summary><c>@scheme</c>, requests only, lower case.</summary>
    public string? Scheme { get; init; }

    /// <summary><c>@path</c>, requests only: the absolute path as sent, percent-encoding kept; "/" when empty.</summary>
    public string? Path { get; init; }

    /// <summary><c>@query</c>, requests only: the query including its leading '?', or "?" when there is none.</summary>
    public string? Query { get; init; }

    /// <summary><c>@status</c>, responses only.</summary>
    public int? Status { get; init; }

    /// <summary>
    /// Looks a header field up by its lower-case name and returns its value as RFC 9421 §2.1
    /// wants it (several field lines joined with ", ", surrounding white space trimmed), or null
    /// when the message does not have that field.
    /// </summary>
    public required Func<string, string?> GetHeader { get; init; }
}

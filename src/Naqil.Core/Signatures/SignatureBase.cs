using System.Globalization;
using System.Text;

namespace Naqil.Signatures;

/// <summary>Builds the RFC 9421 §2.5 signature base.</summary>
internal static class SignatureBase
{
    public static string Build(HttpMessageComponents message, HttpMessageComponents? request, SignatureParameters parameters)
    {
        IReadOnlyList<ComponentId> components = parameters.Components;
        string signatureParams = parameters.Serialize();
        if (signatureParams.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            // Only a hand-made Raw can get here: a parsed one cannot hold line breaks.
            throw new SignatureException(SignatureFailure.Malformed, "the signature parameters contain a line break");
        }

        var builder = new StringBuilder(64 + signatureParams.Length + (components.Count * 64));
        for (int i = 0; i < components.Count; i++)
        {
            ComponentId component = components[i];
            if (ComponentNames.Validate(component.Name) is { } error)
            {
                throw new SignatureException(SignatureFailure.Malformed, error);
            }

            for (int j = 0; j < i; j++)
            {
                if (components[j] == component)
                {
                    // RFC 9421 §2.5: a component may be covered once only.
                    throw new SignatureException(SignatureFailure.Malformed, $"the component {component.Serialize()} is covered twice");
                }
            }

            HttpMessageComponents? source = component.FromRequest ? request : message;
            string? value = source is null ? null : GetValue(source, component.Name);
            if (value is null)
            {
                throw new SignatureException(
                    SignatureFailure.MissingComponent,
                    component.FromRequest && request is null
                        ? $"the component {component.Serialize()} needs the request, which was not given"
                        : $"the message has no component {component.Serialize()}");
            }

            builder.Append('"').Append(component.Name).Append('"');
            if (component.FromRequest)
            {
                builder.Append(";req");
            }

            builder.Append(": ");
            AppendValue(builder, component, value);
            builder.Append('\n');
        }

        builder.Append("\"@signature-params\": ").Append(signatureParams);
        return builder.ToString();
    }

    private static string? GetValue(HttpMessageComponents source, string name)
    {
        if (name[0] != '@')
        {
            return source.GetHeader(name);
        }

        return name switch
        {
            ComponentNames.Method => source.Method,
            ComponentNames.Authority => source.Authority,
            ComponentNames.Scheme => source.Scheme,
            ComponentNames.Path => NormalizePath(source.Path),
            ComponentNames.Query => NormalizeQuery(source.Query),
            ComponentNames.Status => source.Status?.ToString("D3", CultureInfo.InvariantCulture),
            ComponentNames.TargetUri => TargetUri(source),
            _ => null,
        };
    }

    /// <summary>RFC 9421 §2.2.6: an empty path is "/".</summary>
    private static string? NormalizePath(string? path) => path is null ? null : path.Length == 0 ? "/" : path;

    /// <summary>RFC 9421 §2.2.7: the query with its leading '?', or "?" when there is none.</summary>
    private static string? NormalizeQuery(string? query) =>
        query is null ? null : query.Length == 0 ? "?" : query[0] == '?' ? query : "?" + query;

    private static string? TargetUri(HttpMessageComponents source)
    {
        string? path = NormalizePath(source.Path);
        if (source.Scheme is null || source.Authority is null || path is null)
        {
            return null;
        }

        string query = NormalizeQuery(source.Query) is { Length: > 1 } q ? q : string.Empty;
        return string.Concat(source.Scheme, "://", source.Authority, path, query);
    }

    private static void AppendValue(StringBuilder builder, ComponentId component, string value)
    {
        // RFC 9421 §2.1: leading and trailing white space is not part of the value. Trimming here
        // as well keeps signer and verifier in step whatever their adapters do.
        ReadOnlySpan<char> trimmed = value.AsSpan().Trim(" \t");
        if (trimmed.IndexOfAny('\r', '\n', '\0') >= 0)
        {
            // A line break in a value would let one message's base pass for another's.
            throw new SignatureException(SignatureFailure.Malformed, $"the value of {component.Serialize()} contains a line break or NUL");
        }

        builder.Append(trimmed);
    }
}

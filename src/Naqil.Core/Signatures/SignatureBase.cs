using System.Buffers;
using System.Globalization;

namespace Naqil.Signatures;

/// <summary>Builds the RFC 9421 §2.5 signature base.</summary>
internal static class SignatureBase
{
    public static string Build(HttpMessageComponents message, HttpMessageComponents? request, SignatureParameters parameters)
    {
        var buffer = new CharBuffer(512);
        try
        {
            Write(message, request, parameters, parameters.Serialize(), ref buffer);
            return new string(buffer.Written);
        }
        finally
        {
            buffer.Dispose();
        }
    }

    /// <summary>
    /// Writes the base into <paramref name="buffer"/>, with <paramref name="signatureParams"/> (the
    /// parameters' serialization, made once by the caller) as its last line.
    /// </summary>
    public static void Write(HttpMessageComponents message, HttpMessageComponents? request, SignatureParameters parameters, string signatureParams, ref CharBuffer buffer)
    {
        IReadOnlyList<ComponentId> components = parameters.Components;
        if (signatureParams.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            // Only a hand-made Raw can get here: a parsed one cannot hold line breaks.
            throw new SignatureException(SignatureFailure.Malformed, "the signature parameters contain a line break");
        }

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

            buffer.Append('"');
            buffer.Append(component.Name);
            buffer.Append(component.FromRequest ? "\";req: " : "\": ");
            AppendValue(ref buffer, component, value);
            buffer.Append('\n');
        }

        buffer.Append("\"@signature-params\": ");
        buffer.Append(signatureParams);
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

    private static void AppendValue(ref CharBuffer buffer, ComponentId component, string value)
    {
        // RFC 9421 §2.1: leading and trailing white space is not part of an HTTP field's value.
        // Trimming here as well keeps signer and verifier in step whatever their adapters do. A
        // derived component (§2.2) is taken as it is: trimmed, a query of " " signed like "?".
        ReadOnlySpan<char> trimmed = component.Name[0] == '@' ? value : value.AsSpan().Trim(" \t");
        if (trimmed.IndexOfAny('\r', '\n', '\0') >= 0)
        {
            // A line break in a value would let one message's base pass for another's.
            throw new SignatureException(SignatureFailure.Malformed, $"the value of {component.Serialize()} contains a line break or NUL");
        }

        buffer.Append(trimmed);
    }
}

/// <summary>A growable character buffer on <see cref="ArrayPool{T}"/>: the signature base is built per exchange.</summary>
internal ref struct CharBuffer
{
    private char[] _array;
    private int _length;

    public CharBuffer(int capacity)
    {
        _array = ArrayPool<char>.Shared.Rent(capacity);
        _length = 0;
    }

    public readonly ReadOnlySpan<char> Written => _array.AsSpan(0, _length);

    public void Append(char c)
    {
        if (_length == _array.Length)
        {
            Grow(1);
        }

        _array[_length++] = c;
    }

    public void Append(scoped ReadOnlySpan<char> text)
    {
        if (_length + text.Length > _array.Length)
        {
            Grow(text.Length);
        }

        text.CopyTo(_array.AsSpan(_length));
        _length += text.Length;
    }

    public void Dispose()
    {
        var array = _array;
        _array = [];
        _length = 0;
        if (array.Length > 0)
        {
            ArrayPool<char>.Shared.Return(array);
        }
    }

    private void Grow(int needed)
    {
        var larger = ArrayPool<char>.Shared.Rent(Math.Max(_array.Length * 2, _length + needed));
        _array.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<char>.Shared.Return(_array);
        _array = larger;
    }
}

using Naqil.Signatures;

namespace Naqil.Core.Tests.Signatures;

/// <summary>Builds <see cref="HttpMessageComponents"/> from plain values, as an adapter would.</summary>
internal static class TestMessages
{
    public static HttpMessageComponents Request(
        string method,
        string authority,
        string path,
        string query,
        IReadOnlyDictionary<string, string> headers,
        string scheme = "https") =>
        new()
        {
            Method = method,
            Authority = authority,
            Scheme = scheme,
            Path = path,
            Query = query,
            GetHeader = Lookup(headers),
        };

    public static HttpMessageComponents Response(int status, IReadOnlyDictionary<string, string> headers) =>
        new() { Status = status, GetHeader = Lookup(headers) };

    public static Dictionary<string, string> With(this IReadOnlyDictionary<string, string> headers, string name, string? value)
    {
        var copy = new Dictionary<string, string>(headers);
        if (value is null)
        {
            copy.Remove(name);
        }
        else
        {
            copy[name] = value;
        }

        return copy;
    }

    private static Func<string, string?> Lookup(IReadOnlyDictionary<string, string> headers)
    {
        var copy = new Dictionary<string, string>(headers);
        return name => copy.TryGetValue(name, out string? value) ? value : null;
    }
}

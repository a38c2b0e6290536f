using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Naqil.Signatures;

namespace Naqil.Gateway.Signing;

/// <summary>Builds the RFC 9421 view of the messages a gateway receives and sends.</summary>
internal static class MessageViews
{
    /// <summary>A request received by Kestrel, with @path and @query exactly as they came on the wire.</summary>
    public static HttpMessageComponents FromIncoming(HttpRequest request)
    {
        var rawTarget = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
        var (path, query) = SplitTarget(rawTarget);
        var headers = request.Headers;
        return new HttpMessageComponents
        {
            Method = request.Method,
            Scheme = request.Scheme,
            Authority = request.Host.Value?.ToLowerInvariant(),
            Path = path,
            Query = query,
            GetHeader = name => Combine(headers.TryGetValue(name, out var v) ? v : StringValues.Empty),
        };
    }

    /// <summary>
    /// A request the gateway is about to send to <paramref name="uri"/>'s authority with the target
    /// <paramref name="path"/> and <paramref name="query"/> exactly as they go on the wire (empty or
    /// <c>?...</c>), whose signed headers are in <paramref name="headers"/>.
    /// </summary>
    public static HttpMessageComponents FromOutgoing(HttpMethod method, Uri uri, string path, string query, IReadOnlyDictionary<string, string> headers) => new()
    {
        Method = method.Method,
        Scheme = uri.Scheme,
        Authority = uri.IsDefaultPort ? uri.Host.ToLowerInvariant() : $"{uri.Host.ToLowerInvariant()}:{uri.Port}",
        Path = path.Length == 0 ? "/" : path,
        Query = query.Length == 0 ? "?" : query,
        GetHeader = name => headers.TryGetValue(name, out var value) ? value : null,
    };

    /// <summary>A response the gateway is about to send, whose signed headers are in <paramref name="headers"/>.</summary>
    public static HttpMessageComponents FromOutgoingResponse(int status, IReadOnlyDictionary<string, string> headers) => new()
    {
        Status = status,
        GetHeader = name => headers.TryGetValue(name, out var value) ? value : null,
    };

    /// <summary>A response received through HttpClient.</summary>
    public static HttpMessageComponents FromIncoming(HttpResponseMessage response) => new()
    {
        Status = (int)response.StatusCode,
        GetHeader = name => Combine(response.Headers, response.Content.Headers, name),
    };

    public static (string Path, string Query) SplitTarget(string rawTarget)
    {
        var q = rawTarget.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? (rawTarget, "?") : (rawTarget[..q], rawTarget[q..]);
    }

    private static string? Combine(StringValues values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        return values.Count == 1 ? values[0]!.Trim() : string.Join(", ", values.Select(v => v!.Trim()));
    }

    private static string? Combine(HttpHeaders headers, HttpHeaders contentHeaders, string name)
    {
        if (headers.NonValidated.TryGetValues(name, out var values) || contentHeaders.NonValidated.TryGetValues(name, out values))
        {
            if (values.Count == 1)
            {
                // The struct's own enumerator: LINQ's First() would box it on every header read.
                foreach (var value in values)
                {
                    return value.Trim();
                }
            }

            return string.Join(", ", values.Select(v => v.Trim()));
        }

        return null;
    }
}

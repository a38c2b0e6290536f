using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Naqil.Agencies;

/// <summary>A request body read whole, up to a limit, whatever its Content-Length claims (a chunked one is counted as it comes).</summary>
internal static class BoundedBody
{
    /// <summary>The body's bytes; null when it is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>The body read as JSON into <typeparamref name="T"/>: null when it is not that JSON; <c>TooLarge</c> when it is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<(T? Body, bool TooLarge)> ReadJsonAsync<T>(HttpRequest request, int maxBytes, JsonSerializerOptions options, CancellationToken cancellationToken)
        where T : class
    {
        if (await ReadAsync(request, maxBytes, cancellationToken) is not { } bytes)
        {
            return (null, true);
        }

        try
        {
            return (JsonSerializer.Deserialize<T>(bytes, options), false);
        }
        catch (JsonException)
        {
            return (null, false);
        }
    }
}

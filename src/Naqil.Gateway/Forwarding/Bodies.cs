namespace Naqil.Gateway.Forwarding;

/// <summary>Reads whole bodies under a size limit, without trusting a declared length.</summary>
internal static class Bodies
{
    /// <summary>The body, or null when it is longer than <paramref name="max"/> bytes.</summary>
    public static async Task<byte[]?> ReadAsync(Stream stream, long? declaredLength, long max, CancellationToken cancellationToken)
    {
        if (declaredLength > max)
        {
            return null;
        }

        if (declaredLength == 0)
        {
            return [];
        }

        if (declaredLength is { } known)
        {
            // Kestrel and HttpClient both enforce a declared Content-Length, so read exactly that.
            var exact = new byte[known];
            await stream.ReadExactlyAsync(exact, cancellationToken);
            return exact;
        }

        var buffer = new byte[16 * 1024];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > max)
                {
                    return null;
                }

                Array.Resize(ref buffer, (int)Math.Min(Math.Max(buffer.Length * 2L, 16 * 1024), max + 1));
            }

            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (length > max)
            {
                return null;
            }
        }

        return length == buffer.Length ? buffer : buffer[..length];
    }
}

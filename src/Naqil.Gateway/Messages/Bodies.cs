using System.Buffers;

namespace Naqil.Gateway.Messages;

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

        // Unknown length (chunked): read into pooled buffers and keep only an exact copy, so a
        // 600-byte answer costs 600 bytes, not a fresh 16 KiB buffer per exchange.
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > max)
                    {
                        return null;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(buffer.Length * 2L, max + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
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

            return buffer.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

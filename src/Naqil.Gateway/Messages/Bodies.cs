using System.Buffers;

namespace Naqil.Gateway.Messages;

/// <summary>Reads whole bodies under a size limit, without trusting a declared length.</summary>
internal static class Bodies
{
    /// <summary>
    /// Declared lengths up to this are read into an array of that size at once: the common case,
    /// with no copy. A larger declared length costs memory only as its bytes arrive, so a caller
    /// that declares megabytes and sends none (before any signature is checked) costs nothing.
    /// </summary>
    public const int ExactUpTo = 64 * 1024;

    private const int FirstBuffer = 16 * 1024;

    /// <summary>The body, or null when it is longer than <paramref name="max"/> bytes.</summary>
    /// <exception cref="EndOfStreamException">The stream ended before the declared length.</exception>
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

        if (declaredLength is { } known and <= ExactUpTo)
        {
            // Kestrel and HttpClient both enforce a declared Content-Length, so read exactly that.
            var exact = new byte[known];
            await stream.ReadExactlyAsync(exact, cancellationToken);
            return exact;
        }

        var body = await ReadGrowingAsync(stream, declaredLength ?? max, cancellationToken);
        if (declaredLength is { } declared && body is not null && body.Length != declared)
        {
            throw new EndOfStreamException($"the body ended after {body.Length} of its declared {declared} bytes");
        }

        return body;
    }

    /// <summary>
    /// Reads into pooled buffers that double as bytes arrive and keeps only an exact copy, so a
    /// 600-byte chunked answer costs 600 bytes, not a fresh 16 KiB buffer per exchange.
    /// </summary>
    private static async Task<byte[]?> ReadGrowingAsync(Stream stream, long limit, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(FirstBuffer);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit)
                    {
                        return null;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(buffer.Length * 2L, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    return buffer.AsSpan(0, length).ToArray();
                }

                length += read;
                if (length > limit)
                {
                    return null;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

using System.Net.Sockets;
using System.Text;

namespace Naqil.Registry.Tests.Hostile;

/// <summary>
/// Bytes to the registry exactly as written. Heads and bodies are written in Latin-1, so "\u00FF"
/// in a test row is the byte 0xFF (invalid UTF-8) and "\u00D1\u0080" is the UTF-8 of Cyrillic 'р'.
/// </summary>
internal static class RawRegistryHttp
{
    public static async Task<(int? Status, string Head, string Body)> SendAsync(Uri baseAddress, string head, string? body = null)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var client = new TcpClient();
        await client.ConnectAsync(baseAddress.Host, baseAddress.Port, deadline.Token);
        await using var stream = client.GetStream();
        var text = head.Replace("\n", "\r\n", StringComparison.Ordinal) + $"\r\nHost: {baseAddress.Authority}\r\nConnection: close\r\n";
        if (body is not null)
        {
            text += $"Content-Length: {Encoding.Latin1.GetByteCount(body)}\r\n";
        }

        try
        {
            await stream.WriteAsync(Encoding.Latin1.GetBytes(text + "\r\n" + body), deadline.Token);
        }
        catch (IOException)
        {
            // The server refused before taking the whole body (413) and closed; its answer is still to be read.
        }

        using var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received, deadline.Token);
        }
        catch (IOException)
        {
            // A reset after a refusal: whatever arrived before it is the answer.
        }

        var bytes = received.ToArray();
        var all = Encoding.Latin1.GetString(bytes);
        var split = all.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (all.Length == 0 || split < 0)
        {
            return (null, all, "");
        }

        var status = int.Parse(all.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        var responseHead = all[..split];
        var responseBody = Encoding.UTF8.GetString(bytes, split + 4, bytes.Length - split - 4);
        return (status, responseHead, responseHead.Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase) ? Dechunk(responseBody) : responseBody);
    }

    private static string Dechunk(string body)
    {
        var result = new StringBuilder();
        var rest = body;
        while (rest.Length > 0)
        {
            var lineEnd = rest.IndexOf("\r\n", StringComparison.Ordinal);
            var size = Convert.ToInt32(rest[..lineEnd].Split(';')[0], 16);
            if (size == 0)
            {
                break;
            }

            result.Append(rest.AsSpan(lineEnd + 2, size));
            rest = rest[(lineEnd + 2 + size + 2)..];
        }

        return result.ToString();
    }

    public static string? Header(string head, string name) =>
        head.Split("\r\n").Skip(1).Select(line => line.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(p => p[1].Trim()).FirstOrDefault();
}

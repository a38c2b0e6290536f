using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Naqil.Gateway.Tests.Hostile;

/// <summary>What came back on a raw connection: an HTTP answer, a close without one, or a failed TLS handshake.</summary>
internal sealed record WireAnswer(int? Status, string Head, string Body, string? TlsFailure)
{
    public bool Answered => Status is not null;

    public string? Header(string name) =>
        Head.Split("\r\n").Skip(1).Select(line => line.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(p => p[1].Trim()).FirstOrDefault();

    public override string ToString() => TlsFailure ?? (Answered ? $"{Head}\n\n{Body}" : "closed without an answer");
}

/// <summary>
/// Bytes on a socket, exactly as written, optionally inside TLS. Request heads are written in
/// Latin-1, so "\u00FF" in a test row is the single byte 0xFF: that is how the corpus sends invalid UTF-8.
/// Every read has a deadline, so a server that hangs fails the test instead of stalling it.
/// </summary>
internal static class HostileWire
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    /// <summary>A request head (lines separated by \n, no Host) made into bytes with Host, Connection: close and, when given, a body.</summary>
    public static byte[] Request(string baseUrl, string head, string? body = null, bool contentLength = true)
    {
        var authority = new Uri(baseUrl).Authority;
        var text = head.Replace("\n", "\r\n", StringComparison.Ordinal) + $"\r\nHost: {authority}\r\nConnection: close\r\n";
        if (body is not null && contentLength)
        {
            text += $"Content-Length: {Encoding.Latin1.GetByteCount(body)}\r\n";
        }

        return Encoding.Latin1.GetBytes(text + "\r\n" + (body ?? ""));
    }

    public static async Task<WireAnswer> SendAsync(
        string baseUrl,
        byte[] bytes,
        X509Certificate2? clientCertificate = null,
        SslProtocols protocols = SslProtocols.Tls13,
        bool closeSendingSide = false)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var uri = new Uri(baseUrl);
        using var client = new TcpClient();
        await client.ConnectAsync(uri.Host, uri.Port, deadline.Token);
        Stream stream = client.GetStream();
        await using var _ = stream;
        if (uri.Scheme == Uri.UriSchemeHttps)
        {
            var tls = new SslStream(stream, leaveInnerStreamOpen: false);
            stream = tls;
            try
            {
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = "localhost",
                    EnabledSslProtocols = protocols,
                    // Offer exactly this certificate, whatever its dates or issuer: that is the attack.
                    LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
                    RemoteCertificateValidationCallback = (_, _, _, _) => true,
                }, deadline.Token);
            }
            catch (Exception e) when (e is AuthenticationException or IOException)
            {
                return new WireAnswer(null, "", "", $"handshake failed: {e.GetType().Name}: {e.Message}");
            }
        }

        try
        {
            await stream.WriteAsync(bytes, deadline.Token);
            await stream.FlushAsync(deadline.Token);
            if (closeSendingSide)
            {
                client.Client.Shutdown(SocketShutdown.Send);
            }

            using var received = new MemoryStream();
            await stream.CopyToAsync(received, deadline.Token);
            return Parse(received.ToArray());
        }
        catch (Exception e) when (e is IOException or AuthenticationException && uri.Scheme == Uri.UriSchemeHttps)
        {
            // With TLS 1.3 the server checks the client certificate after the client's side of the
            // handshake completed, so a refused certificate shows up on the first read or write.
            return new WireAnswer(null, "", "", $"refused after the handshake: {e.GetType().Name}: {e.Message}");
        }
        catch (IOException)
        {
            return new WireAnswer(null, "", "", null);
        }
    }

    /// <summary>Opens a connection and sends a first part only; the caller decides when to send more or to close.</summary>
    public static async Task<TcpClient> OpenStalledAsync(string baseUrl, byte[] firstPart)
    {
        var uri = new Uri(baseUrl);
        var client = new TcpClient();
        await client.ConnectAsync(uri.Host, uri.Port);
        await client.GetStream().WriteAsync(firstPart);
        return client;
    }

    private static WireAnswer Parse(byte[] response)
    {
        var text = Encoding.Latin1.GetString(response);
        if (text.Length == 0)
        {
            return new WireAnswer(null, "", "", null);
        }

        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = split < 0 ? text : text[..split];
        var body = split < 0 ? "" : Encoding.UTF8.GetString(response, split + 4, response.Length - split - 4);
        var parts = head.Split(' ', 3);
        return new WireAnswer(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), head, DechunkIfNeeded(head, body), null);
    }

    private static string DechunkIfNeeded(string head, string body)
    {
        if (!head.Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            return body;
        }

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
}

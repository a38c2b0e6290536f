using System.Net.Sockets;
using System.Text;

namespace Naqil.Gateway.Tests.TestEnvironment;

/// <summary>Sends bytes exactly as written, for request targets and headers HttpClient would clean up.</summary>
internal static class RawHttp
{
    public static async Task<(int Status, string Head, string Body)> SendAsync(string baseUrl, string requestHead, string body = "")
    {
        var uri = new Uri(baseUrl);
        using var client = new TcpClient();
        await client.ConnectAsync(uri.Host, uri.Port);
        await using var stream = client.GetStream();
        var bodyBytes = Encoding.UTF8.GetBytes(body);
        var head = requestHead.Replace("\n", "\r\n", StringComparison.Ordinal) + $"\r\nHost: {uri.Authority}\r\nContent-Length: {bodyBytes.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(head));
        await stream.WriteAsync(bodyBytes);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync();
        var split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var responseHead = split < 0 ? response : response[..split];
        var status = int.Parse(responseHead.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        return (status, responseHead, split < 0 ? "" : response[(split + 4)..]);
    }
}

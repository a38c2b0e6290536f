using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Naqil.Gateway.Tests.Pipeline;

/// <summary>
/// A raw HTTP/1.1 server on 127.0.0.1, over TLS 1.3 when given a certificate: it accepts, reads
/// one request head and writes <c>answer</c> as given, or never answers when the answer is null.
/// Connections stay open until it is disposed, so a silent one stays silent.
/// </summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly string? _answer;
    private readonly X509Certificate2? _tls;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<IDisposable> _connections = [];
    private readonly TaskCompletionSource<string> _requestHead = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _serving;

    private LoopbackServer(int port, string? answer, X509Certificate2? tls)
    {
        _answer = answer;
        _tls = tls;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _serving = ServeAsync();
    }

    public int Port { get; }

    /// <summary>Starts listening on <paramref name="port"/> (0 for any free one).</summary>
    public static LoopbackServer Start(string? answer, int port = 0, X509Certificate2? tls = null) => new(port, answer, tls);

    /// <summary>The first request's head (request line and header fields) as received; waits at most 10 s.</summary>
    public Task<string> RequestHeadAsync() => _requestHead.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }
        }

        await _serving.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_connections)
                {
                    _connections.Add(client);
                }

                _ = AnswerAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        try
        {
            if (_answer is null && _tls is null)
            {
                // Accepts the connection and never speaks: not even TLS.
                return;
            }

            Stream stream = client.GetStream();
            if (_tls is not null)
            {
                var ssl = new SslStream(stream);
                lock (_connections)
                {
                    _connections.Add(ssl);
                }

                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = _tls,
                    ClientCertificateRequired = true,
                    RemoteCertificateValidationCallback = (_, _, _, _) => true,
                    EnabledSslProtocols = SslProtocols.Tls13,
                }, _stop.Token);
                stream = ssl;
            }

            var head = new StringBuilder();
            var buffer = new byte[4096];
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && head.Length < 64 * 1024)
            {
                var read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                head.Append(Encoding.Latin1.GetString(buffer, 0, read));
            }

            _requestHead.TrySetResult(head.ToString());
            if (_answer is null)
            {
                // TLS done and the request read, but no answer.
                return;
            }

            await stream.WriteAsync(Encoding.Latin1.GetBytes(_answer), _stop.Token);
            await stream.FlushAsync(_stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or AuthenticationException)
        {
            _requestHead.TrySetException(e);
        }
    }
}

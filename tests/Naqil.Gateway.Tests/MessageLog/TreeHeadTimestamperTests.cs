using System.Net;
using System.Net.Sockets;
using System.Text;
using Naqil.Gateway.MessageLog;
using Naqil.Gateway.Tests.TestEnvironment;

namespace Naqil.Gateway.Tests.MessageLog;

/// <summary>Whoever answers the TSA URL cannot make the gateway read more than a bounded reply.</summary>
public sealed class TreeHeadTimestamperTests
{
    private const long Offered = 64L * 1024 * 1024;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Stamp_ReplyOverTheBound_IsATimestampFailureReadNoFurtherThanTheBound(bool declaresLength)
    {
        await using var tsa = FloodingTsa.Start(declaresLength);
        var directory = Directory.CreateTempSubdirectory("naqil-tsa-").FullName;
        try
        {
            using var tsaCertificate = TestPki.CreateSigningCertificate("flooding TSA");
            var (certificateFile, _) = TestPki.WritePem(tsaCertificate, directory, "tsa");
            await using var env = await GatewayTestEnvironment.StartAsync((member, o) => member == "SY/GOV/MOCT"
                ? o with { MessageLog = o.MessageLog with { TsaUrl = tsa.Url, TsaCertificateFile = certificateFile } }
                : o);
            (await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1")).Dispose();
            env.Time.Advance(TimeSpan.FromSeconds(1));

            await env.Consumer.TickLogAsync();
            var written = await tsa.WrittenAsync();

            // What the socket took: the bound read by the gateway plus what the two kernels buffer, far below the offer.
            Assert.True(written < 1024 * 1024, $"the TSA wrote {written} bytes of {Offered} before the gateway hung up");
            Assert.NotNull(env.Consumer.MessageLog.TimestampFailingSince);
            Assert.Empty(await env.Consumer.MessageLog.Store.TimestampsAsync(0, long.MaxValue, Ct));
            Assert.Contains(env.Consumer.Logs.Lines, l => l.Contains($"the TSA's reply is larger than {TreeHeadTimestamper.MaxReplyBytes} bytes", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A loopback "TSA" that answers any request with 200 and <see cref="Offered"/> bytes, counting what it got to write.</summary>
    private sealed class FloodingTsa : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly Task<long> _serving;

        private FloodingTsa(bool declaresLength)
        {
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            _serving = ServeAsync(declaresLength);
        }

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/tsa";

        public static FloodingTsa Start(bool declaresLength) => new(declaresLength);

        public Task<long> WrittenAsync() => _serving.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            try
            {
                await _serving;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
            }
        }

        private async Task<long> ServeAsync(bool declaresLength)
        {
            using var client = await _listener.AcceptTcpClientAsync(Ct);
            client.SendBufferSize = 64 * 1024;
            var stream = client.GetStream();
            var request = new byte[4096];
            var received = new StringBuilder();
            while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(request, Ct);
                if (read == 0)
                {
                    return 0;
                }

                received.Append(Encoding.ASCII.GetString(request, 0, read));
            }

            var head = "HTTP/1.1 200 OK\r\nContent-Type: application/timestamp-reply\r\n"
                + (declaresLength ? $"Content-Length: {Offered}\r\n" : "Connection: close\r\n") + "\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head), Ct);
            var chunk = new byte[64 * 1024];
            long written = 0;
            try
            {
                while (written < Offered)
                {
                    await stream.WriteAsync(chunk, Ct);
                    written += chunk.Length;
                }
            }
            catch (IOException)
            {
                // The gateway hung up.
            }

            return written;
        }
    }
}

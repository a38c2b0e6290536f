using System.Diagnostics.Metrics;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Naqil.Gateway.Tests.TestEnvironment;

namespace Naqil.Gateway.Tests.Hostile;

/// <summary>
/// Slowloris: clients that send a request head or body a little at a time and then stall. The
/// gateway does not expose Kestrel's <c>RequestHeadersTimeout</c> or <c>MinRequestBodyDataRate</c>,
/// so the tests assert what does not depend on them: stalled clients do not block others, and
/// closing them frees their connections (counted by Kestrel's own <c>kestrel.active_connections</c>).
/// </summary>
public sealed class SlowClientTests(SharedGateway gateway) : IClassFixture<SharedGateway>
{
    private const int Stalled = 40;

    [Theory]
    [InlineData("head")]
    [InlineData("body")]
    public async Task StalledClients_DoNotBlockOthers_AndClosingThemFreesTheirConnections(string stallIn)
    {
        var env = gateway.Env;
        var calls = env.Backend.Calls;
        var url = env.Consumer.ConsumerUrl;
        using var connections = new ActiveConnections(env.Consumer.App.Services, new Uri(url).Port);
        var firstPart = stallIn == "head"
            ? Encoding.ASCII.GetBytes($"POST /r1/{GatewayTestEnvironment.Persons}/persons/search HTTP/1.1\r\nHost: x\r\nNaqil-Cli")
            : Encoding.ASCII.GetBytes($"POST /r1/{GatewayTestEnvironment.Persons}/persons/search HTTP/1.1\r\nHost: x\r\nNaqil-Client: {GatewayTestEnvironment.Portal}\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{{\"fam");
        var stalled = new List<TcpClient>();
        try
        {
            for (var i = 0; i < Stalled; i++)
            {
                var client = await HostileWire.OpenStalledAsync(url, firstPart);
                stalled.Add(client);
                // Trickle: one more byte on every other connection, as a slowloris would.
                if (i % 2 == 0)
                {
                    await client.GetStream().WriteAsync(stallIn == "head" ? "e"u8.ToArray() : "i"u8.ToArray(), TestContext.Current.CancellationToken);
                }
            }

            await connections.WaitUntilAsync(n => n >= Stalled, "all stalled connections accepted");

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var response = await env.Client.SendAsync(env.Request(HttpMethod.Get, GatewayTestEnvironment.Persons, "/persons/1"), timeout.Token);
            ResponseAssert.Status(System.Net.HttpStatusCode.OK, response);
        }
        finally
        {
            foreach (var client in stalled)
            {
                client.Dispose();
            }
        }

        // The normal client's keep-alive connection may stay open; the stalled ones must all go.
        await connections.WaitUntilAsync(n => n <= 1, "stalled connections released after their clients closed");
        Assert.Equal(calls + 1, env.Backend.Calls);
        await gateway.AssertStillServingAsync();
    }

    /// <summary>Kestrel's kestrel.active_connections for one host and port, counted from when this object is created.</summary>
    private sealed class ActiveConnections : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;

        public ActiveConnections(IServiceProvider services, int port)
        {
            var factory = services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "kestrel.active_connections" && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, delta, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "server.port" && Convert.ToInt32(tag.Value, System.Globalization.CultureInfo.InvariantCulture) == port)
                    {
                        Interlocked.Add(ref _count, delta);
                    }
                }
            });
            _listener.Start();
        }

        /// <summary>Polls the count until the condition holds, for at most ten seconds.</summary>
        public async Task WaitUntilAsync(Func<long, bool> condition, string what)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!condition(Interlocked.Read(ref _count)))
            {
                Assert.True(DateTime.UtcNow < deadline, $"{what}: still {Interlocked.Read(ref _count)} active connections");
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}

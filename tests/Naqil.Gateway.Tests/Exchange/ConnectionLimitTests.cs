using System.Net;
using Naqil.Gateway.Tests.TestEnvironment;

namespace Naqil.Gateway.Tests.Exchange;

/// <summary>
/// Gateway:MaxConnectionsPerPeer bounds the connections a gateway opens to one peer: exchanges
/// beyond it wait for a free connection instead of opening (and, between gateways, handshaking)
/// new ones, which after a stall would otherwise come by the thousand.
/// </summary>
public sealed class ConnectionLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConcurrentExchanges_BeyondTheLimit_WaitForAConnection_AndAllSucceed()
    {
        await using var env = await GatewayTestEnvironment.StartAsync((_, o) => o with { MaxConnectionsPerPeer = 2 });
        env.Backend.ArrivalsToSignal = 2;

        var exchanges = Enumerable.Range(0, 6).Select(_ => env.GetAsync(GatewayTestEnvironment.Persons, "/gate")).ToList();
        await env.Backend.ArrivedAtGate.Task.WaitAsync(Ct);
        env.Backend.Gate.SetResult();
        var responses = await Task.WhenAll(exchanges);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(6, env.Backend.GateArrivals);
        // Six exchanges held at once, yet the provider gateway reached the backend over two connections.
        Assert.InRange(env.Backend.GateConnections.Count, 1, 2);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }
}

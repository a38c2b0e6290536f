using System.Net;
using Naqil.Gateway.Tests.TestEnvironment;

namespace Naqil.Gateway.Tests.Trust;

/// <summary>
/// Connections between gateways stay open for as long as they are used (renewing them on a timer
/// made them all re-handshake at once), so a TLS certificate that expires under an open
/// connection must be caught on the next exchange, on either side, not at the next handshake.
/// </summary>
public sealed class TlsCertificateExpiryTests
{
    [Fact]
    public async Task ProviderCertificateExpiresUnderAnOpenConnection_ConsumerRefusesTheNextExchange()
    {
        await using var env = await GatewayTestEnvironment.StartAsync(tlsValidFor: new Dictionary<string, TimeSpan> { ["SY/GOV/CIVREG"] = TimeSpan.FromHours(1) });
        using (var first = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/7"))
        {
            ResponseAssert.Status(HttpStatusCode.OK, first);
        }

        env.Time.Advance(TimeSpan.FromHours(2));
        await env.PublishAsync(env.Configuration());
        using var second = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/7");

        // The consumer dropped the connection and the new handshake refused the expired certificate.
        await ResponseAssert.ProblemAsync(HttpStatusCode.BadGateway, "provider-unreachable", second);
        Assert.Equal(1, env.Backend.Calls);
    }

    [Fact]
    public async Task ConsumerCertificateExpiresUnderAnOpenConnection_ProviderRefusesTheNextExchange()
    {
        await using var env = await GatewayTestEnvironment.StartAsync(tlsValidFor: new Dictionary<string, TimeSpan> { ["SY/GOV/MOCT"] = TimeSpan.FromHours(1) });
        using (var first = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/7"))
        {
            ResponseAssert.Status(HttpStatusCode.OK, first);
        }

        env.Time.Advance(TimeSpan.FromHours(2));
        await env.PublishAsync(env.Configuration());
        using var second = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/7");

        var problem = await ResponseAssert.ProblemAsync(HttpStatusCode.Forbidden, "unknown-peer", second);
        Assert.Contains("expired", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, env.Backend.Calls);
    }
}

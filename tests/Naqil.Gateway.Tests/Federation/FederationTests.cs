using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Naqil.Gateway.Tests.TestEnvironment;
using Naqil.Signatures;
using Naqil.Trust;

namespace Naqil.Gateway.Tests.Federation;

/// <summary>A Syrian client calling an Iraqi service through both countries' gateways, and every way that is refused.</summary>
public sealed class FederationTests
{
    [Fact]
    public async Task CrossBorder_SyClientCallsIqService_AnsweredAndSignedByIqGateway()
    {
        await using var env = await FederationTestEnvironment.StartAsync();

        using var response = await env.CallIqAsync();

        ResponseAssert.Status(HttpStatusCode.OK, response);
        var item = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("delivered", item.GetProperty("status").GetString());
        Assert.Equal(1, env.IqBackend.Calls);
        Assert.Equal(GatewayTestEnvironment.Portal, Assert.Single(env.IqBackend.ReceivedHeaders)["Naqil-Client"].ToString());
        Assert.True(HttpMessageSignatures.TryParse(string.Join(", ", response.Headers.GetValues("Signature-Input")), string.Join(", ", response.Headers.GetValues("Signature")), "naqil", out var signature, out _, out _));
        Assert.Equal(SignedTrustConfiguration.Thumbprint(env.IqPost.Signing), signature.Parameters.KeyId);
        Assert.Equal(0, env.Sy.Backend.Calls);

        // Both countries' gateways hold the exchange in their logs, each side with the other as peer.
        var naqilId = Assert.Single(response.Headers.GetValues("Naqil-Id"));
        var syEntry = Assert.Single(await MessageLog.ExchangeLogTests.EntriesAsync(env.Sy.Consumer, naqilId));
        var iqEntry = Assert.Single(await MessageLog.ExchangeLogTests.EntriesAsync(env.IqPost, naqilId));
        Assert.Equal(("consumer", "ok", "IQ/GOV/POST/gw1"), (syEntry.Side, syEntry.Outcome, syEntry.Peer));
        Assert.Equal(("provider", "ok", "SY/GOV/MOCT/gw1"), (iqEntry.Side, iqEntry.Outcome, iqEntry.Peer));
        Assert.Equal(FederationTestEnvironment.Items, iqEntry.Service);
        Assert.Equal(syEntry.ResponseSignature, iqEntry.ResponseSignature);
    }

    [Fact]
    public async Task RestartedGateway_PartnerRegistryDown_ServesFromSavedPartnerConfiguration_UntilItExpires()
    {
        await using var env = await FederationTestEnvironment.StartAsync();
        using (var before = await env.CallIqAsync())
        {
            ResponseAssert.Status(HttpStatusCode.OK, before);
        }

        env.IqRegistry.Down = true;
        await env.Sy.RestartConsumerAsync();
        var fetches = env.IqRegistry.Fetches;

        using (var restarted = await env.CallIqAsync())
        {
            ResponseAssert.Status(HttpStatusCode.OK, restarted);
        }

        // Ten minutes on, the saved IQ document has expired while the own instance's is renewed: fail closed.
        env.Time.Advance(TimeSpan.FromMinutes(10));
        await env.Sy.PublishAsync(env.Sy.Configuration());
        using var expired = await env.CallIqAsync();

        await ResponseAssert.ProblemAsync(HttpStatusCode.ServiceUnavailable, "config-expired", expired);
        Assert.True(env.IqRegistry.Fetches > fetches, "the restarted gateway never asked the partner's registry");
        Assert.Equal(2, env.IqBackend.Calls);
    }

    [Fact]
    public async Task PartnerNotAllowedByConsumerGateway_FederationNotAllowed_BackendNeverCalled()
    {
        await using var env = await FederationTestEnvironment.StartAsync(syGatewayAllowsIq: false);

        using var response = await env.CallIqAsync();

        var problem = await ResponseAssert.ProblemAsync(HttpStatusCode.Forbidden, "federation-not-allowed", response);
        Assert.Contains("AllowedPartners", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, env.IqBackend.Calls);
    }

    [Fact]
    public async Task PartnerNotAllowedByProviderGateway_Refused_BackendNeverCalled()
    {
        await using var env = await FederationTestEnvironment.StartAsync(iqGatewayAllowsSy: false);

        using var response = await env.CallIqAsync();

        // The Iraqi gateway does not know Syrian certificates: the TLS handshake itself is refused.
        await ResponseAssert.ProblemAsync(HttpStatusCode.BadGateway, "provider-unreachable", response);
        Assert.Equal(0, env.IqBackend.Calls);
    }

    [Fact]
    public async Task PartnerRemovedFromRegistry_RefusedWithinOnePoll()
    {
        await using var env = await FederationTestEnvironment.StartAsync();
        using (var before = await env.CallIqAsync())
        {
            ResponseAssert.Status(HttpStatusCode.OK, before);
        }

        // With the partner go its subsystems' subscriptions (the registry removes them in the same serial, protocol.md 9.6).
        env.Sy.Partners = [];
        env.Sy.Subscriptions = [.. env.Sy.Subscriptions.Where(s => !s.Subscriber.StartsWith("IQ/", StringComparison.Ordinal))];
        await env.Sy.PublishAsync(env.Sy.Configuration());

        using var after = await env.CallIqAsync();
        await ResponseAssert.ProblemAsync(HttpStatusCode.Forbidden, "federation-not-allowed", after);
        Assert.Equal(1, env.IqBackend.Calls);
        Assert.Empty(env.Sy.Consumer.Trust.Partners);
    }

    [Fact]
    public async Task ForeignClientNotOnAcl_AccessDenied_BackendNeverCalled()
    {
        await using var env = await FederationTestEnvironment.StartAsync();

        using var response = await env.CallIqAsync(GatewayTestEnvironment.Other);

        await ResponseAssert.ProblemAsync(HttpStatusCode.Forbidden, "access-denied", response);
        Assert.Equal(0, env.IqBackend.Calls);
    }

    [Fact]
    public async Task PartnerConfigurationSignedWithWrongKey_Refused_BackendNeverCalled()
    {
        await using var env = await FederationTestEnvironment.StartAsync();
        using var impostorKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var impostor = new CertificateRequest("CN=Impostor IQ registry", impostorKey, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        await ExpireIqThenOfferAsync(env, configuration => SignedTrustConfiguration.Sign(configuration, impostorKey, impostor));

        using var response = await env.CallIqAsync();
        await ResponseAssert.ProblemAsync(HttpStatusCode.ServiceUnavailable, "config-expired", response);
        Assert.Equal(0, env.IqBackend.Calls);
    }

    [Fact]
    public async Task PartnerConfigurationVouchingForAnotherInstance_RefusedWhole_BackendNeverCalled()
    {
        await using var env = await FederationTestEnvironment.StartAsync();

        await ExpireIqThenOfferAsync(env, configuration => SignedTrustConfiguration.Sign(
            configuration with { Members = [.. configuration.Members, new MemberEntry("SY/GOV/MOCT", "claimed by IQ")] }, env.IqRegistry.Key, env.IqRegistry.Anchor));

        using var response = await env.CallIqAsync();
        await ResponseAssert.ProblemAsync(HttpStatusCode.ServiceUnavailable, "config-expired", response);
        Assert.Equal(0, env.IqBackend.Calls);
    }

    [Fact]
    public async Task PartnerConfigurationExpired_CrossBorderRefused_DomesticGoesOn()
    {
        await using var env = await FederationTestEnvironment.StartAsync();

        await ExpireIqThenOfferAsync(env, configuration => null);

        using var crossBorder = await env.CallIqAsync();
        await ResponseAssert.ProblemAsync(HttpStatusCode.ServiceUnavailable, "config-expired", crossBorder);
        Assert.Equal(0, env.IqBackend.Calls);
        using var domestic = await env.Sy.GetAsync(GatewayTestEnvironment.Persons, "/persons/1");
        ResponseAssert.Status(HttpStatusCode.OK, domestic);
    }

    /// <summary>
    /// Lets the held IQ configuration expire while SY's own stays fresh, and offers in its place
    /// what <paramref name="offer"/> makes of a new IQ configuration (null: nothing new).
    /// </summary>
    private static async Task ExpireIqThenOfferAsync(FederationTestEnvironment env, Func<TrustConfiguration, SignedTrustConfiguration?> offer)
    {
        var held = env.Sy.Consumer.Trust.Partners["IQ"].Serial;
        if (offer(env.IqConfiguration()) is { } signed)
        {
            env.IqRegistry.Publish(signed);
        }

        env.Time.Advance(TimeSpan.FromMinutes(11));
        await env.Sy.PublishAsync(env.Sy.Configuration());
        Assert.True(env.Sy.Consumer.Trust.TryGetFresh(out _));
        Assert.Equal(held, env.Sy.Consumer.Trust.Partners["IQ"].Serial);
    }
}

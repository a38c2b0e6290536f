using System.Net;
using System.Text;
using Naqil.Gateway.Tests.TestEnvironment;
using Naqil.Trust;

namespace Naqil.Gateway.Tests.Exchange;

/// <summary>What the provider gateway does with requests altered or replayed between the gateways, and the consumer with altered answers.</summary>
public sealed class SignatureRefusalTests
{
    private static readonly byte[] SearchBody = Encoding.UTF8.GetBytes("{\"familyName\":\"الحلبي\"}");

    [Fact]
    public async Task SignedRequest_SentUnaltered_IsAccepted()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        var sender = new SignedSender(env);
        using var signed = sender.Create(HttpMethod.Post, GatewayTestEnvironment.Persons, "/persons/search", SearchBody).Message;

        using var response = await sender.SendAsync(signed);

        ResponseAssert.Status(HttpStatusCode.OK, response);
        Assert.Equal(1, env.Backend.Calls);
    }

    [Fact]
    public async Task Verify_TamperedBody_RejectsWithBadSignature_BackendNeverCalled()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        var sender = new SignedSender(env);
        using var signed = sender.Create(HttpMethod.Post, GatewayTestEnvironment.Persons, "/persons/search", SearchBody).Message;
        using var altered = SignedSender.Copy(signed, Encoding.UTF8.GetBytes("{\"familyName\":\"الشامي\"}"));

        using var response = await sender.SendAsync(altered);

        await ResponseAssert.ProblemAsync(HttpStatusCode.Unauthorized, "bad-signature", response);
        Assert.Equal(0, env.Backend.Calls);
    }

    [Theory]
    [InlineData("naqil-user", "SY-NID:99999999999")]
    [InlineData("naqil-client", GatewayTestEnvironment.Other)]
    [InlineData("content-digest", "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:")]
    [InlineData("naqil-purpose", "marketing")]
    public async Task Verify_TamperedSignedHeader_RejectsWithBadSignature_BackendNeverCalled(string header, string value)
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        var sender = new SignedSender(env);
        var extra = new Dictionary<string, string> { ["naqil-user"] = "SY-NID:01010000001", ["naqil-purpose"] = "application-processing" };
        using var signed = sender.Create(HttpMethod.Post, GatewayTestEnvironment.Persons, "/persons/search", SearchBody, extra).Message;
        using var altered = SignedSender.Copy(signed, SearchBody, new Dictionary<string, string> { [header] = value });

        using var response = await sender.SendAsync(altered);

        await ResponseAssert.ProblemAsync(HttpStatusCode.Unauthorized, "bad-signature", response);
        Assert.Equal(0, env.Backend.Calls);
    }

    [Fact]
    public async Task Verify_UnsignedHeaderAdded_RejectsWithBadSignature()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        var sender = new SignedSender(env);
        using var signed = sender.Create(HttpMethod.Get, GatewayTestEnvironment.Persons, "/persons/1", []).Message;
        using var altered = SignedSender.Copy(signed, [], new Dictionary<string, string> { ["naqil-subject"] = "SY-NID:01010000002" });

        using var response = await sender.SendAsync(altered);

        await ResponseAssert.ProblemAsync(HttpStatusCode.Unauthorized, "bad-signature", response);
        Assert.Equal(0, env.Backend.Calls);
    }

    [Fact]
    public async Task Replay_CapturedSignedRequestSentAgain_RejectedAsReplayed()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        var sender = new SignedSender(env);
        using var signed = sender.Create(HttpMethod.Post, GatewayTestEnvironment.Persons, "/persons/search", SearchBody).Message;
        using var captured = SignedSender.Copy(signed, SearchBody);

        using var first = await sender.SendAsync(signed);
        using var again = await sender.SendAsync(captured);

        ResponseAssert.Status(HttpStatusCode.OK, first);
        await ResponseAssert.ProblemAsync(HttpStatusCode.Conflict, "replayed", again);
        Assert.Equal(1, env.Backend.Calls);
    }

    [Fact]
    public async Task Freshness_SignatureOlderThanSkew_RejectedAsStale()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        var sender = new SignedSender(env);
        using var signed = sender.Create(HttpMethod.Get, GatewayTestEnvironment.Persons, "/persons/1", []).Message;
        env.Time.Advance(TimeSpan.FromSeconds(31));

        using var response = await sender.SendAsync(signed);

        await ResponseAssert.ProblemAsync(HttpStatusCode.Unauthorized, "stale-signature", response);
        Assert.Equal(0, env.Backend.Calls);
    }

    [Fact]
    public async Task Tls_ClientCertificateNotInTrustConfiguration_Refused()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        using var stranger = TestPki.CreateTlsCertificate("stranger");
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.ClientCertificates = [stranger];
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        using var client = new HttpClient(handler);

        var failure = await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync($"{env.Provider.ProviderUrl}/r1/{GatewayTestEnvironment.Persons}/persons/1", TestContext.Current.CancellationToken));

        Assert.NotNull(failure);
        Assert.Equal(0, env.Backend.Calls);
    }

    [Fact]
    public async Task Tls_NoClientCertificate_Refused()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        using var client = new HttpClient(handler);

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync($"{env.Provider.ProviderUrl}/r1/{GatewayTestEnvironment.Persons}/persons/1", TestContext.Current.CancellationToken));
        Assert.Equal(0, env.Backend.Calls);
    }

    [Theory]
    [InlineData(RogueMode.AlterBodyAfterSigning)]
    [InlineData(RogueMode.AlterStatusAfterSigning)]
    [InlineData(RogueMode.SignWithOtherKey)]
    [InlineData(RogueMode.CreatedOutOfRange)]
    public async Task Response_TamperedByProvider_RejectedByConsumerGateway(RogueMode mode)
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        await using var rogue = await RogueProvider.StartAsync(mode, env.Time);
        await env.PublishAsync(WithRogue(env, rogue));

        using var response = await env.GetAsync(RogueProvider.Service, "/anything");

        await ResponseAssert.ProblemAsync(HttpStatusCode.BadGateway, "bad-response-signature", response);
        Assert.Equal(1, rogue.Calls);
        var entry = Assert.Single(await MessageLog.ExchangeLogTests.EntriesAsync(env.Consumer, response.Headers.GetValues("Naqil-Id").Single()));
        Assert.Equal(("bad-response-signature", 502), (entry.Outcome, entry.Status));
    }

    [Fact]
    public async Task Response_FromHonestRogueSetup_Accepted()
    {
        // The control for the tampering cases: the same provider, not tampering, is accepted.
        await using var env = await GatewayTestEnvironment.StartAsync();
        await using var rogue = await RogueProvider.StartAsync(RogueMode.Honest, env.Time);
        await env.PublishAsync(WithRogue(env, rogue));

        using var response = await env.GetAsync(RogueProvider.Service, "/anything");

        ResponseAssert.Status(HttpStatusCode.OK, response);
        Assert.Equal("{\"answer\":42}", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    private static TrustConfiguration WithRogue(GatewayTestEnvironment env, RogueProvider rogue)
    {
        var configuration = env.Configuration([env.Consumer.Entry(), env.Provider.Entry(), rogue.Entry]);
        return configuration with
        {
            Members = [.. configuration.Members, new MemberEntry(RogueProvider.Member, "Rogue")],
            Subsystems = [.. configuration.Subsystems, new SubsystemEntry("SY/GOV/ROGUE/app")],
            Services = [.. configuration.Services, new ServiceEntry(RogueProvider.Service, PersonalData: false)],
        };
    }
}

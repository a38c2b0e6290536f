using System.Net;
using System.Security.Cryptography.X509Certificates;
using Naqil.Gateway.Signing;
using Naqil.Gateway.Tests.TestEnvironment;
using Naqil.Signatures;

namespace Naqil.Gateway.Tests.Hostile;

/// <summary>Correctly signed requests used against the provider face: re-ordered, replayed, or dated outside the allowed clock skew.</summary>
public sealed class SignedExchangeAttackTests(SharedGateway gateway) : IClassFixture<SharedGateway>
{
    [Fact]
    public async Task SignedInOrderAB_SentBA_BothAccepted_ThenEitherResent_RefusedAsReplayed()
    {
        var env = gateway.Env;
        var sender = new SignedSender(env);
        var calls = env.Backend.Calls;
        var a = sender.Create(HttpMethod.Get, GatewayTestEnvironment.Persons, "/persons/1", []).Message;
        var b = sender.Create(HttpMethod.Get, GatewayTestEnvironment.Persons, "/persons/2", []).Message;
        using var againA = SignedSender.Copy(a, []);
        using var againB = SignedSender.Copy(b, []);

        using var first = await sender.SendAsync(b);
        using var second = await sender.SendAsync(a);
        using var replayA = await sender.SendAsync(againA);
        using var replayB = await sender.SendAsync(againB);

        ResponseAssert.Status(HttpStatusCode.OK, first);
        ResponseAssert.Status(HttpStatusCode.OK, second);
        await ResponseAssert.ProblemAsync(HttpStatusCode.Conflict, "replayed", replayA);
        await ResponseAssert.ProblemAsync(HttpStatusCode.Conflict, "replayed", replayB);
        Assert.Equal(calls + 2, env.Backend.Calls);
        a.Dispose();
        b.Dispose();
    }

    [Fact]
    public async Task Replay_WithinSkewAfterTimePassed_StillRefused()
    {
        var env = gateway.Env;
        var sender = new SignedSender(env);
        var calls = env.Backend.Calls;
        using var signed = sender.Create(HttpMethod.Get, GatewayTestEnvironment.Persons, "/persons/1", []).Message;
        using var captured = SignedSender.Copy(signed, []);
        using var first = await sender.SendAsync(signed);
        env.Time.Advance(TimeSpan.FromSeconds(20));

        using var again = await sender.SendAsync(captured);

        ResponseAssert.Status(HttpStatusCode.OK, first);
        await ResponseAssert.ProblemAsync(HttpStatusCode.Conflict, "replayed", again);
        Assert.Equal(calls + 1, env.Backend.Calls);
    }

    [Theory]
    [InlineData(31, 401, "stale-signature")]
    [InlineData(3600, 401, "stale-signature")]
    [InlineData(-31, 401, "stale-signature")]
    [InlineData(-86400, 401, "stale-signature")]
    [InlineData(25, 200, null)]
    [InlineData(-25, 200, null)]
    public async Task ClockSkew_CreatedOffsetFromProviderClock_RefusedBeyondMaxSkew(int offsetSeconds, int status, string? code)
    {
        var env = gateway.Env;
        var calls = env.Backend.Calls;
        var sender = new SignedSender(env);
        var signed = sender.Create(HttpMethod.Get, GatewayTestEnvironment.Persons, "/persons/1", []);
        using var message = Resign(env, signed, env.Time.GetUtcNow().ToUnixTimeSeconds() + offsetSeconds);

        using var response = await sender.SendAsync(message);

        if (code is null)
        {
            ResponseAssert.Status((HttpStatusCode)status, response);
            Assert.Equal(calls + 1, env.Backend.Calls);
        }
        else
        {
            await ResponseAssert.ProblemAsync((HttpStatusCode)status, code, response);
            Assert.Equal(calls, env.Backend.Calls);
        }

        signed.Message.Dispose();
    }

    [Fact]
    public async Task ExpiresInThePast_RefusedAsStale()
    {
        var env = gateway.Env;
        var calls = env.Backend.Calls;
        var sender = new SignedSender(env);
        var signed = sender.Create(HttpMethod.Get, GatewayTestEnvironment.Persons, "/persons/1", []);
        var now = env.Time.GetUtcNow().ToUnixTimeSeconds();
        using var message = Resign(env, signed, now, expires: now - 1);

        using var response = await sender.SendAsync(message);

        await ResponseAssert.ProblemAsync(HttpStatusCode.Unauthorized, "stale-signature", response);
        Assert.Equal(calls, env.Backend.Calls);
        signed.Message.Dispose();
    }

    [Theory]
    [InlineData(999_999_999_999_999L, null)]
    [InlineData(-999_999_999_999_999L, null)]
    [InlineData(0L, 999_999_999_999_999L)]
    [InlineData(0L, long.MinValue)]
    public async Task CreatedOrExpiresOutOfRange_RefusedSignedAndLoggedAsBadSignature(long created, long? expires)
    {
        var env = gateway.Env;
        var calls = env.Backend.Calls;
        var sender = new SignedSender(env);
        var signed = sender.Create(HttpMethod.Get, GatewayTestEnvironment.Persons, "/persons/1", []);
        var naqilId = signed.Message.Headers.GetValues("naqil-id").Single();
        using var message = Resign(env, signed, created == 0 ? env.Time.GetUtcNow().ToUnixTimeSeconds() : created, expires);

        using var response = await sender.SendAsync(message);

        // Not a bare 500: a coded refusal, signed by the provider and in its log.
        await ResponseAssert.ProblemAsync(HttpStatusCode.Unauthorized, "bad-signature", response);
        Assert.Single(response.Headers.GetValues("Signature"));
        Assert.Equal(calls, env.Backend.Calls);
        var entry = Assert.Single(await MessageLog.ExchangeLogTests.EntriesAsync(env.Provider, naqilId));
        Assert.Equal(("bad-signature", 401), (entry.Outcome, entry.Status));
        signed.Message.Dispose();
    }

    /// <summary>The same request signed again by the consumer's own key, with another <c>created</c> (and <c>expires</c>).</summary>
    private static HttpRequestMessage Resign(GatewayTestEnvironment env, SignedRequest signed, long created, long? expires = null)
    {
        Assert.True(HttpMessageSignatures.TryParse(signed.Signature.SignatureInput, signed.Signature.Signature, "naqil", out var parsed, out _, out var detail), detail);
        using var key = env.Consumer.Signing.GetECDsaPrivateKey()!;
        var fields = HttpMessageSignatures.Sign(signed.View, null, parsed.Parameters with { Created = created, Expires = expires, Raw = null }, "naqil", key);
        return SignedSender.Copy(signed.Message, [], new Dictionary<string, string> { ["signature-input"] = fields.SignatureInput, ["signature"] = fields.Signature });
    }
}

using Microsoft.Extensions.Options;
using Naqil.Gateway.Problems;
using Naqil.Gateway.ProviderFace;
using Naqil.Gateway.ProviderFace.Steps;
using Naqil.Gateway.Tests.Pipeline;
using Naqil.Signatures;

namespace Naqil.Gateway.Tests.ProviderFace.Steps;

public sealed class ReplayStepTests : IDisposable
{
    private const string OtherId = "018f3c5e-0000-7000-8000-000000000001";

    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData("first", 0, 10, null, 1)]
    [InlineData("same id again, same signer", 0, 10, nameof(GatewayError.Replayed), 1)]
    [InlineData("same id again, same signer", 30, 10, nameof(GatewayError.Replayed), 1)]
    [InlineData("same id again, same signer", 31, 10, null, 1)]
    [InlineData("same id again, another signer", 0, 10, null, 2)]
    [InlineData("another id", 0, 10, null, 2)]
    [InlineData("another id, signer's share full", 0, 1, nameof(GatewayError.Overloaded), 1)]
    [InlineData("another id, signer's share full", 31, 1, null, 1)]
    [InlineData("another signer, cache full", 0, 4, nameof(GatewayError.Overloaded), 4)]
    public async Task Replay_SignedExchange_AcceptedOncePerSignerWhileItsSignatureIsFresh(string when, int secondsLater, int capacity, string? expected, int held)
    {
        // The signatures are created now and fresh for MaxClockSkew (30 s) after.
        var options = Options.Create(_fixture.Options(StepFixture.ProviderMember) with { ReplayCacheCapacity = capacity });
        var cache = new ReplayCache(options);
        var step = new ReplayStep(cache, new LocalReplayWindow(), _fixture.Time, options);
        var first = Exchange(_fixture.Consumer, StepFixture.NaqilId);
        if (when != "first")
        {
            Assert.Null(await step.InvokeAsync(first));
        }

        if (when == "another signer, cache full")
        {
            // Three more signers each hold their share (a quarter of four): the cache is full.
            for (var i = 0; i < 3; i++)
            {
                var now = _fixture.Time.GetUtcNow();
                Assert.Equal(ReplayCheck.Fresh, cache.TryRegister($"signer-{i}", OtherId, now.AddSeconds(30), now));
            }
        }

        _fixture.Time.Advance(TimeSpan.FromSeconds(secondsLater));
        var exchange = when switch
        {
            "same id again, another signer" => Exchange(_fixture.Partner, StepFixture.NaqilId),
            "another id" or "another id, signer's share full" => Exchange(_fixture.Consumer, OtherId),
            "another signer, cache full" => Exchange(_fixture.Partner, OtherId),
            _ => first,
        };

        var problem = await step.InvokeAsync(exchange);

        if (expected is null)
        {
            Assert.Null(problem);
        }
        else
        {
            var detail = StepFixture.Refusal(problem, expected).Detail;
            Assert.Equal(when switch
            {
                "another id, signer's share full" => "this gateway holds as many recent exchanges of your gateway as it keeps for one peer; retry shortly",
                "another signer, cache full" => "the replay cache is full; retry shortly",
                _ => $"exchange {StepFixture.NaqilId} was already received; send a new Naqil-Id for a new exchange",
            }, detail);
        }

        Assert.Equal(held, cache.Count);
    }

    /// <summary>As <c>VerifySignatureStep</c> leaves it: the peer, and the request's signature created now.</summary>
    private Naqil.Gateway.ProviderFace.ProviderExchange Exchange(TestGateway peer, string naqilId)
    {
        var exchange = _fixture.ProviderExchange($"/r1/{StepFixture.Persons}/persons/1", headers: [new(NaqilHeaders.Id, naqilId)]);
        exchange.Peer = _fixture.PeerOf(peer);
        exchange.Signature = new ParsedSignature("naqil", new SignatureParameters { Components = [], Created = _fixture.Time.GetUtcNow().ToUnixTimeSeconds() }, []);
        return exchange;
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using Naqil.Gateway.Problems;
using Naqil.Gateway.ProviderFace.Steps;
using Naqil.Gateway.Tests.Pipeline;
using Naqil.Gateway.Tests.TestEnvironment;

namespace Naqil.Gateway.Tests.ProviderFace.Steps;

public sealed class IdentifyPeerStepTests : IDisposable
{
    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData("own instance's gateway", true, 0, "SY/GOV/MOCT/gw1", null)]
    [InlineData("partner's gateway", true, 0, "IQ/GOV/MOI/gw1", null)]
    [InlineData("own gateway, own configuration expired", true, 20, "SY/GOV/MOCT/gw1", null)]
    [InlineData("no certificate", true, 0, null, nameof(GatewayError.UnknownPeer))]
    [InlineData("stranger", true, 0, null, nameof(GatewayError.UnknownPeer))]
    [InlineData("partner's gateway", false, 0, null, nameof(GatewayError.UnknownPeer))]
    [InlineData("own instance's gateway", true, 400 * 24 * 60, null, nameof(GatewayError.UnknownPeer))]
    public async Task IdentifyPeer_TlsClientCertificate_ListedAndCurrentRecordsThePeer(string certificate, bool partnerHeld, int minutesLater, string? peer, string? expected)
    {
        var trust = _fixture.Trust(partner: partnerHeld, member: StepFixture.ProviderMember);
        var exchange = _fixture.ProviderExchange($"/r1/{StepFixture.Persons}/persons/1", clientCertificate: certificate switch
        {
            "no certificate" => null,
            "stranger" => _fixture.Track(TestPki.CreateTlsCertificate("stranger")),
            "partner's gateway" => _fixture.Certificate(_fixture.Partner.Tls),
            _ => _fixture.Certificate(_fixture.Consumer.Tls),
        });
        _fixture.Time.Advance(TimeSpan.FromMinutes(minutesLater));

        var problem = await new IdentifyPeerStep(trust, _fixture.Time, NullLogger<IdentifyPeerStep>.Instance).InvokeAsync(exchange);

        if (expected is null)
        {
            Assert.Null(problem);
            Assert.Equal(peer, exchange.Peer?.Id);
        }
        else
        {
            var detail = StepFixture.Refusal(problem, expected).Detail;
            Assert.Contains(minutesLater > 0 ? "has expired" : "is not one the trust configuration lists", detail, StringComparison.Ordinal);
            Assert.Null(exchange.Peer);
        }
    }
}

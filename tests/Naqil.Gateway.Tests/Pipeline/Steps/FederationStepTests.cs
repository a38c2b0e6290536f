using Naqil.Gateway.Pipeline.Steps;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.Tests.Pipeline.Steps;

/// <summary>The registry lists IQ and JO; this gateway allows IQ and LB; IQ's configuration is held.</summary>
public sealed class FederationStepTests : IDisposable
{
    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData("own instance", "SY", true, 0, null, null)]
    [InlineData("partner allowed and fresh", "IQ", true, 0, null, null)]
    [InlineData("partner listed by the registry, not allowed by the gateway", "JO", true, 0, nameof(GatewayError.FederationNotAllowed), "Gateway:AllowedPartners")]
    [InlineData("partner allowed by the gateway, not listed by the registry", "LB", true, 0, nameof(GatewayError.FederationNotAllowed), "its registry does not list it")]
    [InlineData("instance nobody lists", "XX", true, 0, nameof(GatewayError.FederationNotAllowed), "Gateway:AllowedPartners")]
    [InlineData("partner's configuration expired", "IQ", true, 6, nameof(GatewayError.ConfigExpired), "no fresh trust configuration of IQ")]
    [InlineData("partner's configuration never fetched", "IQ", false, 0, nameof(GatewayError.ConfigExpired), "no fresh trust configuration of IQ")]
    public async Task Federation_ConsumerFace_ServicesInstance_FindsItsConfigurationOrRefuses(string why, string instance, bool partnerHeld, int minutesLater, string? expected, string? detail)
    {
        Assert.NotNull(why);
        var trust = _fixture.Trust(partner: partnerHeld);
        var service = instance switch
        {
            "SY" => StepFixture.Persons,
            "IQ" => StepFixture.PartnerService,
            _ => $"{instance}/GOV/X/system/service",
        };
        var exchange = _fixture.ConsumerExchange($"/r1/{service}/x");
        Assert.Null(await new ParseTargetStep().InvokeAsync(exchange));
        exchange.Trust = _fixture.Own;
        _fixture.Time.Advance(TimeSpan.FromMinutes(minutesLater));

        var problem = await new FederationStep(trust).InvokeAsync(exchange);

        if (expected is null)
        {
            Assert.Null(problem);
            Assert.Same(instance == "SY" ? _fixture.Own : _fixture.PartnerSnapshot, exchange.CounterpartTrust);
        }
        else
        {
            Assert.Contains(detail!, StepFixture.Refusal(problem, expected).Detail, StringComparison.Ordinal);
            Assert.Null(exchange.CounterpartTrust);
        }
    }

    [Theory]
    [InlineData("own instance's gateway", 0, null)]
    [InlineData("partner's gateway", 0, null)]
    [InlineData("partner's gateway", 6, nameof(GatewayError.ConfigExpired))]
    public async Task Federation_ProviderFace_CallingGatewaysInstance_FindsItsConfigurationOrRefuses(string peer, int minutesLater, string? expected)
    {
        var trust = _fixture.Trust(member: StepFixture.ProviderMember);
        var gateway = peer == "partner's gateway" ? _fixture.Partner : _fixture.Consumer;
        var exchange = _fixture.ProviderExchange($"/r1/{StepFixture.Persons}/persons/1");
        exchange.Trust = _fixture.Own;
        exchange.Peer = _fixture.PeerOf(gateway);
        _fixture.Time.Advance(TimeSpan.FromMinutes(minutesLater));

        var problem = await new FederationStep(trust).InvokeAsync(exchange);

        if (expected is null)
        {
            Assert.Null(problem);
            Assert.Same(gateway == _fixture.Partner ? _fixture.PartnerSnapshot : _fixture.Own, exchange.CounterpartTrust);
        }
        else
        {
            Assert.Contains("no fresh trust configuration of IQ", StepFixture.Refusal(problem, expected).Detail, StringComparison.Ordinal);
            Assert.Null(exchange.CounterpartTrust);
        }
    }
}

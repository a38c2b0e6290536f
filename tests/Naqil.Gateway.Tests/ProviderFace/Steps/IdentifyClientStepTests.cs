using Naqil.Gateway.Problems;
using Naqil.Gateway.ProviderFace.Steps;
using Naqil.Gateway.Tests.Pipeline;

namespace Naqil.Gateway.Tests.ProviderFace.Steps;

public sealed class IdentifyClientStepTests : IDisposable
{
    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData(StepFixture.Portal, "consumer", null)]
    [InlineData(StepFixture.PartnerClient, "partner", null)]
    [InlineData("", "consumer", nameof(GatewayError.BadIdentifier))]
    [InlineData("SY/GOV/MOCT/por tal", "consumer", nameof(GatewayError.BadIdentifier))]
    [InlineData(StepFixture.Registry, "consumer", nameof(GatewayError.UnknownClient))]
    [InlineData(StepFixture.Unregistered, "consumer", nameof(GatewayError.UnknownClient))]
    [InlineData(StepFixture.Portal, "partner", nameof(GatewayError.UnknownClient))]
    [InlineData(StepFixture.PartnerClient, "consumer", nameof(GatewayError.UnknownClient))]
    public async Task IdentifyClient_NamedClient_MustBeARegisteredSubsystemOfTheConnectedMember(string client, string connected, string? expected)
    {
        var gateway = connected == "partner" ? _fixture.Partner : _fixture.Consumer;
        var exchange = _fixture.ProviderExchange($"/r1/{StepFixture.Persons}/persons/1", headers: [new(NaqilHeaders.Client, client)]);
        exchange.Peer = _fixture.PeerOf(gateway);
        exchange.CounterpartTrust = connected == "partner" ? _fixture.PartnerSnapshot : _fixture.Own;

        var problem = await new IdentifyClientStep().InvokeAsync(exchange);

        if (expected is null)
        {
            Assert.Null(problem);
        }
        else
        {
            var detail = StepFixture.Refusal(problem, expected).Detail;
            Assert.StartsWith(expected == nameof(GatewayError.BadIdentifier) ? "Naqil-Client: " : $"client {client} is not a registered subsystem of {exchange.Peer.Member}", detail, StringComparison.Ordinal);
        }
    }
}

using Microsoft.Extensions.Options;
using Naqil.Gateway.ConsumerFace.Steps;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Tests.Pipeline;

namespace Naqil.Gateway.Tests.ConsumerFace.Steps;

/// <summary>The consumer gateway serves SY/GOV/MOCT.</summary>
public sealed class IdentifyClientStepTests : IDisposable
{
    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData(StepFixture.Portal, null, null)]
    [InlineData(StepFixture.Unregistered, null, null)]
    [InlineData(null, nameof(GatewayError.BadIdentifier), "Naqil-Client is missing")]
    [InlineData("SY/GOV/MOCT", nameof(GatewayError.BadIdentifier), "Naqil-Client: ")]
    [InlineData("SY/GOV/MOCT/por tal", nameof(GatewayError.BadIdentifier), "Naqil-Client: ")]
    [InlineData("sy/GOV/MOCT/portal", nameof(GatewayError.BadIdentifier), "Naqil-Client: ")]
    [InlineData(StepFixture.Registry, nameof(GatewayError.UnknownClient), "belongs to SY/GOV/CIVREG; this gateway serves SY/GOV/MOCT")]
    [InlineData(StepFixture.PartnerClient, nameof(GatewayError.UnknownClient), "belongs to IQ/GOV/MOI")]
    public async Task IdentifyClient_NaqilClient_OwnMembersSubsystemRecordedElseRefused(string? client, string? expected, string? detail)
    {
        var exchange = _fixture.ConsumerExchange(headers: client is null ? [] : [new(NaqilHeaders.Client, client)]);
        var step = new IdentifyClientStep(Options.Create(_fixture.Options()));

        var problem = await step.InvokeAsync(exchange);

        if (expected is null)
        {
            Assert.Null(problem);
            Assert.Equal(client, exchange.ClientId?.ToString());
        }
        else
        {
            Assert.Contains(detail!, StepFixture.Refusal(problem, expected).Detail, StringComparison.Ordinal);
            Assert.Null(exchange.ClientId);
        }
    }
}

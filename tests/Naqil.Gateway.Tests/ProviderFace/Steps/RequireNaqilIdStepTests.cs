using Naqil.Gateway.Problems;
using Naqil.Gateway.ProviderFace.Steps;
using Naqil.Gateway.Tests.Pipeline;

namespace Naqil.Gateway.Tests.ProviderFace.Steps;

public sealed class RequireNaqilIdStepTests : IDisposable
{
    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData(StepFixture.NaqilId, null)]
    [InlineData(null, nameof(GatewayError.BadHeader))]
    [InlineData("not-a-uuid", nameof(GatewayError.BadHeader))]
    [InlineData("", nameof(GatewayError.BadHeader))]
    [InlineData("{0f8fad5b-d9cb-469f-a165-70867728950e}", nameof(GatewayError.BadHeader))]
    [InlineData("0f8fad5bd9cb469fa16570867728950e", nameof(GatewayError.BadHeader))]
    public async Task RequireNaqilId_AsReceived_UuidPassesElseBadHeader(string? id, string? expected)
    {
        var exchange = _fixture.ProviderExchange($"/r1/{StepFixture.Persons}/persons/1", headers: id is null ? [] : [new(NaqilHeaders.Id, id)]);

        var problem = await new RequireNaqilIdStep().InvokeAsync(exchange);

        if (expected is null)
        {
            Assert.Null(problem);
            Assert.Equal(id, exchange.NaqilId);
        }
        else
        {
            StepFixture.Refusal(problem, expected);
            Assert.Null(exchange.NaqilId);
        }
    }
}

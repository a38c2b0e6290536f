using Naqil.Gateway.Pipeline.Steps;
using Naqil.Gateway.Problems;
using Naqil.Gateway.ProviderFace.Steps;
using Naqil.Gateway.Tests.Pipeline;

namespace Naqil.Gateway.Tests.ProviderFace.Steps;

public sealed class ServiceHeaderStepTests : IDisposable
{
    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData(StepFixture.Persons, null)]
    [InlineData(StepFixture.Holidays, nameof(GatewayError.BadHeader))]
    [InlineData("sy/gov/civreg/registry/persons", nameof(GatewayError.BadHeader))]
    [InlineData(null, nameof(GatewayError.BadHeader))]
    [InlineData("", nameof(GatewayError.BadHeader))]
    public async Task ServiceHeader_NamesTheServiceInThePath_ElseBadHeader(string? header, string? expected)
    {
        var exchange = _fixture.ProviderExchange($"/r1/{StepFixture.Persons}/persons/1", headers: header is null ? [] : [new(NaqilHeaders.Service, header)]);
        Assert.Null(await new ParseTargetStep().InvokeAsync(exchange));

        var problem = await new ServiceHeaderStep().InvokeAsync(exchange);

        if (expected is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Equal("Naqil-Service does not name the service in the path", StepFixture.Refusal(problem, expected).Detail);
        }
    }
}

using Naqil.Gateway.Pipeline.Steps;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.Tests.Pipeline.Steps;

public sealed class RequirePurposeStepTests : IDisposable
{
    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData(StepFixture.Persons, null, nameof(GatewayError.PurposeRequired))]
    [InlineData(StepFixture.Persons, "", nameof(GatewayError.PurposeRequired))]
    [InlineData(StepFixture.Persons, "application-processing", null)]
    [InlineData(StepFixture.Holidays, null, null)]
    [InlineData(StepFixture.PartnerService, null, nameof(GatewayError.PurposeRequired))]
    public async Task RequirePurpose_PersonalDataWithoutPurpose_Refused_OtherwisePasses(string service, string? purpose, string? expected)
    {
        var exchange = _fixture.ResolvedConsumerExchange(service);
        exchange.Purpose = purpose;

        var problem = await new RequirePurposeStep().InvokeAsync(exchange);

        if (expected is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Contains(service, StepFixture.Refusal(problem, expected).Detail, StringComparison.Ordinal);
        }
    }
}

using Naqil.Gateway.ConsumerFace.Steps;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Tests.Pipeline;

namespace Naqil.Gateway.Tests.ConsumerFace.Steps;

public sealed class ResolveServiceStepTests : IDisposable
{
    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData(StepFixture.Persons, "SY", true, null)]
    [InlineData(StepFixture.Holidays, "SY", false, null)]
    [InlineData(StepFixture.PartnerService, "IQ", true, null)]
    [InlineData("SY/GOV/CIVREG/registry/nothing-here", "SY", false, nameof(GatewayError.UnknownService))]
    [InlineData("IQ/GOV/MOI/passports/other", "IQ", false, nameof(GatewayError.UnknownService))]
    [InlineData(StepFixture.Persons, "IQ", false, nameof(GatewayError.UnknownService))]
    public async Task ResolveService_InTheCounterpartsCatalogue_EntryRecordedElseUnknownService(string service, string counterpart, bool personalData, string? expected)
    {
        var exchange = _fixture.ConsumerExchange($"/r1/{service}/x");
        exchange.Service = service;
        exchange.CounterpartTrust = counterpart == "SY" ? _fixture.Own : _fixture.PartnerSnapshot;

        var problem = await new ResolveServiceStep().InvokeAsync(exchange);

        if (expected is null)
        {
            Assert.Null(problem);
            Assert.Equal(service, exchange.ServiceEntry?.Id);
            Assert.Equal(personalData, exchange.ServiceEntry!.PersonalData);
        }
        else
        {
            Assert.Equal($"service {service} is not in the trust configuration of {counterpart}", StepFixture.Refusal(problem, expected).Detail);
            Assert.Null(exchange.ServiceEntry);
        }
    }
}

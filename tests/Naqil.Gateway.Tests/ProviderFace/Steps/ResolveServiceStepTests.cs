using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Pipeline.Steps;
using Naqil.Gateway.Problems;
using Naqil.Gateway.ProviderFace.Steps;
using Naqil.Gateway.Tests.Pipeline;

namespace Naqil.Gateway.Tests.ProviderFace.Steps;

/// <summary>This gateway provides persons (in the catalogue) and archive (not in it); holidays is in the catalogue but provided elsewhere.</summary>
public sealed class ResolveServiceStepTests : IDisposable
{
    private const string Archive = "SY/GOV/CIVREG/registry/archive";

    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData(StepFixture.Persons, null)]
    [InlineData(StepFixture.Holidays, nameof(GatewayError.UnknownService))]
    [InlineData(Archive, nameof(GatewayError.UnknownService))]
    [InlineData("SY/GOV/CIVREG/registry/nothing-here", nameof(GatewayError.UnknownService))]
    public async Task ResolveService_ProvidedHereAndInTheCatalogue_BackendAndEntryRecordedElseUnknownService(string service, string? expected)
    {
        var options = _fixture.Options(StepFixture.ProviderMember) with
        {
            Services =
            [
                new ProvidedServiceOptions { Service = StepFixture.Persons, Backend = "http://127.0.0.1:9/civreg/" },
                new ProvidedServiceOptions { Service = Archive, Backend = "http://127.0.0.1:9/archive" },
            ],
        };
        var exchange = _fixture.ProviderExchange($"/r1/{service}/persons/1");
        Assert.Null(await new ParseTargetStep().InvokeAsync(exchange));
        exchange.Trust = _fixture.Own;

        var problem = await new ResolveServiceStep(Options.Create(options)).InvokeAsync(exchange);

        if (expected is null)
        {
            Assert.Null(problem);
            Assert.Equal("http://127.0.0.1:9/civreg", exchange.BackendBase);
            Assert.Equal(service, exchange.ServiceEntry?.Id);
        }
        else
        {
            Assert.Equal($"service {service} is not provided through this gateway", StepFixture.Refusal(problem, expected).Detail);
            Assert.Null(exchange.BackendBase);
            Assert.Null(exchange.ServiceEntry);
        }
    }
}

using Naqil.Gateway.Pipeline.Steps;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.Tests.Pipeline.Steps;

public sealed class ParseTargetStepTests : IDisposable
{
    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData("/persons/1", "/persons/1", "")]
    [InlineData("/persons/search?name=x&page=2", "/persons/search", "?name=x&page=2")]
    [InlineData("", "/", "")]
    [InlineData("?q=1", "/", "?q=1")]
    public async Task ParseTarget_ValidTarget_RecordsTargetServiceAndPath(string rest, string path, string query)
    {
        var exchange = _fixture.ConsumerExchange($"/r1/{StepFixture.Persons}{rest}");

        var problem = await new ParseTargetStep().InvokeAsync(exchange);

        Assert.Null(problem);
        var target = Assert.IsType<Naqil.Gateway.Messages.ExchangeTarget>(exchange.Target);
        Assert.Equal(StepFixture.Persons, target.ServiceText);
        Assert.Equal("SY", target.Service.Instance);
        Assert.Equal(StepFixture.ProviderMember, target.Service.Member.ToString());
        Assert.Equal(path, target.Path);
        Assert.Equal(query, target.Query);
        Assert.Equal(StepFixture.Persons, exchange.Service);
        Assert.Equal(path + query, exchange.Path);
    }

    [Theory]
    [InlineData("/r2/SY/GOV/CIVREG/registry/persons/1", nameof(GatewayError.BadPath), "start with /r1/")]
    [InlineData("/SY/GOV/CIVREG/registry/persons", nameof(GatewayError.BadPath), "start with /r1/")]
    [InlineData("/r1/SY/GOV/CIV.REG!/registry/persons/1", nameof(GatewayError.BadIdentifier), "the service in the path is not valid")]
    [InlineData("/r1/SY/GOV/CIVREG/registry", nameof(GatewayError.BadIdentifier), "the service in the path is not valid")]
    [InlineData("/r1/SYR/GOV/CIVREG/registry/persons/1", nameof(GatewayError.BadIdentifier), "the service in the path is not valid")]
    [InlineData("/r1/SY/GOV/CIVREG/registry/persons/a\\b", nameof(GatewayError.BadPath), "backslash")]
    [InlineData("/r1/SY/GOV/CIVREG/registry/persons/%2e%2e/admin", nameof(GatewayError.BadPath), "'%2e'")]
    [InlineData("/r1/SY/GOV/CIVREG/registry/persons/a%2Fb", nameof(GatewayError.BadPath), "'%2f'")]
    [InlineData("/r1/SY/GOV/CIVREG/registry/persons/a%5cb", nameof(GatewayError.BadPath), "'%5c'")]
    [InlineData("/r1/SY/GOV/CIVREG/registry/persons/a%00", nameof(GatewayError.BadPath), "'%00'")]
    [InlineData("/r1/SY/GOV/CIVREG/registry/persons/../admin", nameof(GatewayError.BadPath), "'..' segment")]
    [InlineData("/r1/SY/GOV/CIVREG/registry/persons/./x", nameof(GatewayError.BadPath), "'..' segment")]
    public async Task ParseTarget_BadTarget_RefusedAndNothingRecorded(string rawTarget, string expected, string detail)
    {
        var exchange = _fixture.ConsumerExchange(rawTarget);

        var problem = await new ParseTargetStep().InvokeAsync(exchange);

        Assert.Contains(detail, StepFixture.Refusal(problem, expected).Detail, StringComparison.Ordinal);
        Assert.Null(exchange.Target);
        Assert.Equal("", exchange.Service);
        Assert.Equal("", exchange.Path);
    }
}

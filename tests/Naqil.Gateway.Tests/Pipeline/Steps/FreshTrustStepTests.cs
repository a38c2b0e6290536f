using Naqil.Gateway.Pipeline.Steps;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.Tests.Pipeline.Steps;

public sealed class FreshTrustStepTests : IDisposable
{
    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData("fresh", null)]
    [InlineData("one second before expiry", null)]
    [InlineData("never adopted", nameof(GatewayError.ConfigExpired))]
    [InlineData("at expiry", nameof(GatewayError.ConfigExpired))]
    [InlineData("expired", nameof(GatewayError.ConfigExpired))]
    public async Task FreshTrust_OwnConfiguration_FreshRecordedElseConfigExpired(string state, string? expected)
    {
        var trust = _fixture.Trust(own: state != "never adopted", partner: false);
        _fixture.Time.Advance(state switch
        {
            "one second before expiry" => StepFixture.OwnValidity - TimeSpan.FromSeconds(1),
            "at expiry" => StepFixture.OwnValidity,
            "expired" => StepFixture.OwnValidity + TimeSpan.FromMinutes(1),
            _ => TimeSpan.Zero,
        });
        var exchange = _fixture.ConsumerExchange();

        var problem = await new FreshTrustStep(trust).InvokeAsync(exchange);

        if (expected is null)
        {
            Assert.Null(problem);
            Assert.Same(_fixture.Own, exchange.Trust);
        }
        else
        {
            StepFixture.Refusal(problem, expected);
            Assert.Null(exchange.Trust);
        }
    }
}

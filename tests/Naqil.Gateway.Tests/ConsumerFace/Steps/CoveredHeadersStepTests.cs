using Naqil.Gateway.ConsumerFace.Steps;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Tests.Pipeline;

namespace Naqil.Gateway.Tests.ConsumerFace.Steps;

public sealed class CoveredHeadersStepTests : IDisposable
{
    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task CoveredHeaders_NoOptionalHeader_CoversIdClientAndServiceOnly()
    {
        var exchange = _fixture.ResolvedConsumerExchange();

        var problem = await new CoveredHeadersStep().InvokeAsync(exchange);

        Assert.Null(problem);
        Assert.Equal(
            new Dictionary<string, string> { ["naqil-id"] = StepFixture.NaqilId, ["naqil-client"] = StepFixture.Portal, ["naqil-service"] = StepFixture.Persons },
            exchange.SignedHeaders);
        Assert.Null(exchange.User);
        Assert.Null(exchange.Purpose);
        Assert.Null(exchange.Subject);
    }

    [Theory]
    [InlineData("Naqil-User", "SY-NID:01010000001", 1, null)]
    [InlineData("Naqil-Purpose", "application-processing", 1, null)]
    [InlineData("naqil-subject", "SY-NID:01010000002", 1, null)]
    [InlineData("Naqil-User", " ~!printable, with spaces~ ", 1, null)]
    [InlineData("Naqil-User", "256", 1, null)]
    [InlineData("Naqil-User", "257", 1, nameof(GatewayError.BadHeader))]
    [InlineData("Naqil-Purpose", "", 1, nameof(GatewayError.BadHeader))]
    [InlineData("Naqil-Purpose", "tax\tfiling", 1, nameof(GatewayError.BadHeader))]
    [InlineData("Naqil-Subject", "الحلبي", 1, nameof(GatewayError.BadHeader))]
    [InlineData("Naqil-Subject", "del\u007f", 1, nameof(GatewayError.BadHeader))]
    [InlineData("Naqil-User", "SY-NID:01010000001", 2, nameof(GatewayError.BadHeader))]
    public async Task CoveredHeaders_OptionalHeader_CoveredWhenOncePrintableAndBounded_ElseBadHeaderNotEchoed(string name, string value, int times, string? expected)
    {
        value = int.TryParse(value, out var length) ? new string('u', length) : value;
        var exchange = _fixture.ResolvedConsumerExchange(headers: Enumerable.Repeat(new KeyValuePair<string, string>(name, value), times));

        var problem = await new CoveredHeadersStep().InvokeAsync(exchange);

        var key = name.ToLowerInvariant();
        var recorded = key switch
        {
            "naqil-user" => exchange.User,
            "naqil-purpose" => exchange.Purpose,
            _ => exchange.Subject,
        };
        if (expected is null)
        {
            Assert.Null(problem);
            Assert.Equal(value, exchange.SignedHeaders[key]);
            Assert.Equal(value, recorded);
            Assert.Equal(4, exchange.SignedHeaders.Count);
        }
        else
        {
            var detail = StepFixture.Refusal(problem, expected).Detail;
            Assert.Equal($"{key} must appear once, with 1 to {CoveredHeadersStep.MaxHeaderLength} printable ASCII characters", detail);
            Assert.False(exchange.SignedHeaders.ContainsKey(key));
            Assert.Null(recorded);
        }
    }
}

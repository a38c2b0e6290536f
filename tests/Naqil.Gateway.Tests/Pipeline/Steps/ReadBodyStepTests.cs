using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Pipeline.Steps;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.Tests.Pipeline.Steps;

public sealed class ReadBodyStepTests : IDisposable
{
    private const int Limit = 64 * 1024;

    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData(0, true, null)]
    [InlineData(0, false, null)]
    [InlineData(100, true, null)]
    [InlineData(Limit, true, null)]
    [InlineData(Limit, false, null)]
    [InlineData(Limit + 1, true, nameof(GatewayError.TooLarge))]
    [InlineData(Limit + 1, false, nameof(GatewayError.TooLarge))]
    [InlineData(3 * Limit, false, nameof(GatewayError.TooLarge))]
    public async Task ReadBody_UpToMaxBodyBytes_RecordsBodyWhole_LargerRefusedTooLarge(int length, bool declared, string? expected)
    {
        var body = new byte[length];
        Random.Shared.NextBytes(body);
        var exchange = _fixture.ConsumerExchange(method: "POST", body: body);
        if (!declared)
        {
            exchange.Context.Request.ContentLength = null;
        }

        var step = new ReadBodyStep(Options.Create(new GatewayOptions { MaxBodyBytes = Limit }));
        var problem = await step.InvokeAsync(exchange);

        if (expected is null)
        {
            Assert.Null(problem);
            Assert.Equal(body, exchange.RequestBody);
        }
        else
        {
            Assert.Contains($"larger than {Limit} bytes", StepFixture.Refusal(problem, expected).Detail, StringComparison.Ordinal);
            Assert.Empty(exchange.RequestBody);
        }
    }
}

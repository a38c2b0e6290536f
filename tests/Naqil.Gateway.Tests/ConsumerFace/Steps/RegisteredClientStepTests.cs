using Naqil.Gateway.ConsumerFace.Steps;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Tests.Pipeline;

namespace Naqil.Gateway.Tests.ConsumerFace.Steps;

public sealed class RegisteredClientStepTests : IDisposable
{
    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData(StepFixture.Portal, null)]
    [InlineData(StepFixture.Unregistered, nameof(GatewayError.UnknownClient))]
    [InlineData(StepFixture.PartnerClient, nameof(GatewayError.UnknownClient))]
    public async Task RegisteredClient_InTheOwnConfiguration_PassesElseUnknownClient(string client, string? expected)
    {
        var exchange = _fixture.ResolvedConsumerExchange();
        exchange.Client = client;

        var problem = await new RegisteredClientStep().InvokeAsync(exchange);

        if (expected is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Equal($"client {client} is not registered in the trust configuration", StepFixture.Refusal(problem, expected).Detail);
        }
    }
}

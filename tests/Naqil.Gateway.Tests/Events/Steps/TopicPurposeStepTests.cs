using Naqil.Gateway.Events.Steps;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Tests.Pipeline;

namespace Naqil.Gateway.Tests.Events.Steps;

public sealed class TopicPurposeStepTests : IDisposable
{
    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData(StepFixture.Notices, null, null)]
    [InlineData(StepFixture.Notices, "statistics", null)]
    [InlineData(StepFixture.Applications, "application-processing", null)]
    [InlineData(StepFixture.Applications, null, nameof(GatewayError.PurposeRequired))]
    [InlineData(StepFixture.Applications, "", nameof(GatewayError.BadHeader))]
    [InlineData(StepFixture.Applications, "caf\u00e9", nameof(GatewayError.BadHeader))]
    [InlineData(StepFixture.Notices, "a\u0001b", nameof(GatewayError.BadHeader))]
    public async Task TopicPurpose_PersonalDataTopicNeedsAPrintablePurpose(string topic, string? purpose, string? expected)
    {
        var exchange = _fixture.EventExchange(topic);
        Assert.True(exchange.Trust!.TryGetTopic(topic, out var entry));
        exchange.Topic = entry;
        exchange.Purpose = purpose;

        var problem = await new TopicPurposeStep().InvokeAsync(exchange);

        if (expected is null)
        {
            Assert.Null(problem);
        }
        else
        {
            StepFixture.Refusal(problem, expected);
        }
    }
}

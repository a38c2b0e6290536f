using Naqil.Gateway.Events.Steps;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Tests.Pipeline;

namespace Naqil.Gateway.Tests.Events.Steps;

public sealed class ParseTopicStepTests : IDisposable
{
    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData("/e1/SY/GOV/MOCT/portal/notices", null)]
    [InlineData("/e1/SY/GOV/MOCT/portal", nameof(GatewayError.BadIdentifier))]
    [InlineData("/e1/SY/GOV/MOCT/portal/notices/more", nameof(GatewayError.BadIdentifier))]
    [InlineData("/e1/SY/GOV/MOCT/portal/no%20tices", nameof(GatewayError.BadIdentifier))]
    [InlineData("/e1/SY/GOV/MOCT/portal/notices?x=1", nameof(GatewayError.BadPath))]
    [InlineData("/r1/SY/GOV/MOCT/portal/notices", nameof(GatewayError.BadPath))]
    public async Task ParseTopic_RawTarget_TopicIdOrRefusal(string rawTarget, string? expected)
    {
        var exchange = _fixture.ConsumerExchange(rawTarget, "POST");
        var events = new Naqil.Gateway.Events.EventExchange(exchange.Context, exchange.Received);

        var problem = await new ParseTopicStep().InvokeAsync(events);

        if (expected is null)
        {
            Assert.Null(problem);
            Assert.Equal(StepFixture.Notices, events.Service);
            Assert.Equal(StepFixture.Notices, events.TopicId?.ToString());
        }
        else
        {
            StepFixture.Refusal(problem, expected);
            Assert.Null(events.TopicId);
        }
    }
}

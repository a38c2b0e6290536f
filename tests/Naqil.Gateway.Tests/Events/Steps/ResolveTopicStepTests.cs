using Naqil.Gateway.Events.Steps;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Tests.Pipeline;

namespace Naqil.Gateway.Tests.Events.Steps;

public sealed class ResolveTopicStepTests : IDisposable
{
    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData(StepFixture.Notices, StepFixture.Portal, null, "")]
    [InlineData(StepFixture.Applications, StepFixture.Portal, null, "")]
    [InlineData("SY/GOV/MOCT/portal/unlisted", StepFixture.Portal, nameof(GatewayError.UnknownTopic), "is not a topic in the trust configuration")]
    [InlineData(StepFixture.Persons, StepFixture.Registry, nameof(GatewayError.UnknownTopic), "is not a topic")]
    [InlineData(StepFixture.Births, StepFixture.Portal, nameof(GatewayError.NotPublisher), "is published by SY/GOV/CIVREG/registry; SY/GOV/MOCT/portal may publish only on its own topics")]
    [InlineData(StepFixture.Notices, "SY/GOV/MOCT/other", nameof(GatewayError.NotPublisher), "is published by SY/GOV/MOCT/portal")]
    public async Task ResolveTopic_OwnCatalogueAndPublisher_TopicEntryOrRefusal(string topic, string client, string? expected, string detail)
    {
        var exchange = _fixture.EventExchange(topic, client: client);

        var problem = await new ResolveTopicStep().InvokeAsync(exchange);

        if (expected is null)
        {
            Assert.Null(problem);
            Assert.Equal(topic, exchange.Topic?.Id);
        }
        else
        {
            Assert.Contains(detail, StepFixture.Refusal(problem, expected).Detail, StringComparison.Ordinal);
            Assert.Null(exchange.Topic);
        }
    }
}

using System.Text;
using Naqil.Gateway.Events.Steps;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Tests.Pipeline;

namespace Naqil.Gateway.Tests.Events.Steps;

public sealed class JsonBodyStepTests : IDisposable
{
    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData("{\"item\":\"EE123456785SY\",\"events\":[1,2.5,true,null]}", true)]
    [InlineData("[]", true)]
    [InlineData("\"text\"", true)]
    [InlineData("  {}\n", true)]
    [InlineData("", false)]
    [InlineData("   ", false)]
    [InlineData("{", false)]
    [InlineData("{} {}", false)]
    [InlineData("{\"a\":1,}", false)]
    [InlineData("{'a':1}", false)]
    [InlineData("not json", false)]
    public async Task JsonBody_OneJsonValue_PassesElseBadBody(string body, bool accepted)
    {
        var exchange = _fixture.EventExchange(body: Encoding.UTF8.GetBytes(body));

        var problem = await new JsonBodyStep().InvokeAsync(exchange);

        if (accepted)
        {
            Assert.Null(problem);
        }
        else
        {
            StepFixture.Refusal(problem, nameof(GatewayError.BadBody));
        }
    }

    [Fact]
    public async Task JsonBody_NestedPastDepth64_BadBody()
    {
        var exchange = _fixture.EventExchange(body: Encoding.UTF8.GetBytes(new string('[', 65) + new string(']', 65)));

        StepFixture.Refusal(await new JsonBodyStep().InvokeAsync(exchange), nameof(GatewayError.BadBody));
    }

    [Fact]
    public async Task JsonBody_InvalidUtf8_BadBody()
    {
        var exchange = _fixture.EventExchange(body: [(byte)'"', 0xC3, 0x28, (byte)'"']);

        StepFixture.Refusal(await new JsonBodyStep().InvokeAsync(exchange), nameof(GatewayError.BadBody));
    }
}

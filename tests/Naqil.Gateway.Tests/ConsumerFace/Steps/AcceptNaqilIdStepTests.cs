using Naqil.Gateway.ConsumerFace.Steps;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Tests.Pipeline;

namespace Naqil.Gateway.Tests.ConsumerFace.Steps;

public sealed class AcceptNaqilIdStepTests : IDisposable
{
    private readonly StepFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData(StepFixture.NaqilId, null)]
    [InlineData("0F8FAD5B-D9CB-469F-A165-70867728950E", null)]
    [InlineData("not-a-uuid", nameof(GatewayError.BadHeader))]
    [InlineData("", nameof(GatewayError.BadHeader))]
    [InlineData("{0f8fad5b-d9cb-469f-a165-70867728950e}", nameof(GatewayError.BadHeader))]
    [InlineData("0f8fad5bd9cb469fa16570867728950e", nameof(GatewayError.BadHeader))]
    [InlineData(StepFixture.NaqilId + "," + StepFixture.NaqilId, nameof(GatewayError.BadHeader))]
    public async Task AcceptNaqilId_ClientSentId_KeptWhenAUuidElseBadHeader(string id, string? expected)
    {
        var exchange = _fixture.ConsumerExchange(headers: [new(NaqilHeaders.Id, id)]);

        var problem = await new AcceptNaqilIdStep().InvokeAsync(exchange);

        if (expected is null)
        {
            Assert.Null(problem);
            Assert.Equal(id, exchange.NaqilId);
        }
        else
        {
            StepFixture.Refusal(problem, expected);
            Assert.Null(exchange.NaqilId);
        }
    }

    [Fact]
    public async Task AcceptNaqilId_NoneSent_MakesAVersion7IdAtTheReceivedTime()
    {
        _fixture.Time.Advance(TimeSpan.FromDays(3));
        var exchange = _fixture.ConsumerExchange();

        var problem = await new AcceptNaqilIdStep().InvokeAsync(exchange);

        Assert.Null(problem);
        var id = Guid.ParseExact(exchange.NaqilId!, "D");
        Assert.Equal(7, id.Version);
        var bytes = id.ToByteArray(bigEndian: true);
        var milliseconds = ((long)bytes[0] << 40) | ((long)bytes[1] << 32) | ((long)bytes[2] << 24) | ((long)bytes[3] << 16) | ((long)bytes[4] << 8) | bytes[5];
        Assert.Equal(exchange.Received.ToUnixTimeMilliseconds(), milliseconds);
    }
}

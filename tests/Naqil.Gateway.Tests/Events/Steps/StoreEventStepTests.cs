using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Naqil.Gateway.Events.Delivery;
using Naqil.Gateway.Events.Steps;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Storage;
using Naqil.Gateway.Tests.Pipeline;

namespace Naqil.Gateway.Tests.Events.Steps;

/// <summary>The step on a real SQLite outbox.</summary>
public sealed class StoreEventStepTests : IAsyncLifetime
{
    private readonly StepFixture _fixture = new();
    private readonly RecordingSignal _signals = new();
    private SqliteMessageLogStore _store = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _store = new SqliteMessageLogStore(Path.Combine(_fixture.Folder, "messagelog.db"));
        await _store.InitializeAsync(Ct);
    }

    public ValueTask DisposeAsync()
    {
        _store.Dispose();
        _fixture.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task StoreEvent_New_StoresItWithTheListedSubscribers_And202()
    {
        var outbox = new DbEventOutbox(_store);
        var exchange = _fixture.EventExchange(body: "{\"n\":1}"u8.ToArray());

        var problem = await new StoreEventStep(outbox, _signals, NullLogger<StoreEventStep>.Instance).InvokeAsync(exchange);

        Assert.Null(problem);
        Assert.Equal((202, StepFixture.NaqilId), (exchange.Answer!.Status, exchange.Answer.Headers["naqil-id"]));
        Assert.True(exchange.Stored);
        Assert.Equal(Naqil.Signatures.ContentDigest.Compute("{\"n\":1}"u8), exchange.RequestDigest);
        Assert.Equal([StepFixture.PartnerClient, StepFixture.Registry], (await outbox.PendingAsync(StepFixture.Notices, 10, Ct)).Select(d => d.Subscriber).Order(StringComparer.Ordinal));
        // Delivery is told at once, for every subscriber stored.
        Assert.Equal([(StepFixture.Notices, StepFixture.PartnerClient), (StepFixture.Notices, StepFixture.Registry)], _signals.Notified.Order());
    }

    [Theory]
    [InlineData("{\"n\":1}", null)]
    [InlineData("{\"n\":2}", nameof(GatewayError.IdReused))]
    public async Task StoreEvent_IdStoredBefore_SameBody202NotStoredAgain_OtherBodyIdReused(string body, string? expected)
    {
        var outbox = new DbEventOutbox(_store);
        var step = new StoreEventStep(outbox, _signals, NullLogger<StoreEventStep>.Instance);
        await step.InvokeAsync(_fixture.EventExchange(body: "{\"n\":1}"u8.ToArray()));
        var again = _fixture.EventExchange(body: Encoding.UTF8.GetBytes(body));

        var problem = await step.InvokeAsync(again);

        Assert.False(again.Stored);
        Assert.Equal(2, _signals.Notified.Count); // the first store's two subscribers only
        if (expected is null)
        {
            Assert.Null(problem);
            Assert.Equal(202, again.Answer!.Status);
        }
        else
        {
            StepFixture.Refusal(problem, expected);
            Assert.Null(again.Answer);
        }

        Assert.Equal("{\"n\":1}"u8.ToArray(), (await outbox.FindAsync(StepFixture.NaqilId, Ct))!.Body);
    }

    [Fact]
    public async Task StoreEvent_OutboxCannotBeWritten_LogUnavailable()
    {
        var outbox = new DbEventOutbox(_store);
        await using (var connection = await _store.OpenAsync(Ct))
        {
            await DbCommands.ExecuteAsync(connection, null, "DROP TABLE outbox_deliveries", Ct);
        }

        var exchange = _fixture.EventExchange(body: "{}"u8.ToArray());

        var problem = await new StoreEventStep(outbox, _signals, NullLogger<StoreEventStep>.Instance).InvokeAsync(exchange);

        StepFixture.Refusal(problem, nameof(GatewayError.LogUnavailable));
        Assert.Null(await outbox.FindAsync(StepFixture.NaqilId, Ct));
    }

    private sealed class RecordingSignal : IDeliverySignal
    {
        public List<(string Topic, string Subscriber)> Notified { get; } = [];

        public void Notify(string topic, IEnumerable<string> subscribers) => Notified.AddRange(subscribers.Select(s => (topic, s)));
    }
}

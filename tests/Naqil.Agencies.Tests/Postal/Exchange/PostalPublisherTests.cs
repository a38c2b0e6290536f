using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Naqil.Agencies.Postal;
using Naqil.Agencies.Postal.Exchange;
using Naqil.Agencies.Postal.Storage;
using Naqil.Agencies.Tests.Postal.Apis;

namespace Naqil.Agencies.Tests.Postal.Exchange;

/// <summary>Syria's post publishing to a fake gateway; the tests drive the publisher's passes themselves.</summary>
public sealed class PostalPublisherTests : IAsyncLifetime
{
    private const string ItemA = "EE123456785SY";
    private const string ItemB = "EE000000080SY";
    private FakeGateway _gateway = null!;
    private PostHost _syria = null!;

    private static DateTimeOffset Posted => PostHost.Now.AddDays(-2);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static PostalExchangeOptions Options(Uri gateway) =>
        PostalExchangeOptions.For(Posts.Syria, gateway, "IQ") with { HostPublisher = false, ApiKey = "sandbox-key-1" };

    public async ValueTask InitializeAsync()
    {
        _gateway = await FakeGateway.StartAsync();
        _syria = await PostHost.StartAsync(Posts.Syria, Options(_gateway.Url));
    }

    public async ValueTask DisposeAsync()
    {
        await _syria.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    private static async Task DispatchAsync(PostHost post, string itemId, int hour = 0)
    {
        Assert.Equal(201, (await post.PostAsync("/items", new { itemId, destination = "IQ", office = "SYDAMZ", time = Posted.AddHours(hour) })).Status);
        Assert.Equal(201, (await post.PostAsync($"/items/{itemId}/events", new { code = "EMB", office = "SYDAMA", time = Posted.AddHours(hour + 1) })).Status);
        Assert.Equal(201, (await post.PostAsync($"/items/{itemId}/events", new { code = "EMC", office = "SYDAMA", time = Posted.AddHours(hour + 2) })).Status);
    }

    private async Task<string[]> PublicationsAsync(string state, string field = "itemId")
    {
        var (status, list) = await _syria.GetAsync($"/publications?state={state}");
        Assert.Equal(200, status);
        return [.. list.GetProperty("publications").EnumerateArray().Select(p => p.GetProperty(field).ToString())];
    }

    [Fact]
    public async Task Publish_SendsTheDispatch_WithTheContractsHeaders_AndMarksItPublished()
    {
        await DispatchAsync(_syria, ItemA);
        Assert.Empty(_gateway.Requests);

        Assert.Equal(PublishPass.Drained, await _syria.Publisher.PublishPendingAsync(Ct));

        var sent = Assert.Single(_gateway.Requests);
        Assert.Equal("SY/GOV/POST/ems/item-events", sent.Topic);
        Assert.Equal("SY/GOV/POST/ems", sent.Client);
        Assert.Equal("sandbox-key-1", sent.ApiKey);
        Assert.Equal("application/json", sent.ContentType);
        var item = (await _syria.Services.GetRequiredService<PostalService>().GetAsync(S10Id.Parse(ItemA), Ct))!;
        Assert.Equal(EmsEventMessage.NaqilIdOf("SY", item.Id, item.Events[2]).ToString("D"), sent.NaqilId);
        Assert.Equal(EmsEventMessage.Create(item, item.Events[2], "SY"), sent.Text);
        // Only the departure crosses: EMA and EMB travel in its history.
        Assert.Equal([ItemA], await PublicationsAsync("published"));
        Assert.Empty(await PublicationsAsync("pending"));
        Assert.Equal(["1"], await PublicationsAsync("published", "attempts"));
    }

    [Fact]
    public async Task GatewayUnavailable_KeepsThemPending_InOrder_ThenPublishesEachOnce_WithTheSameIdAndBytes()
    {
        _gateway.Refuse = _ => (503, "log-unavailable");
        await DispatchAsync(_syria, ItemA);
        await DispatchAsync(_syria, ItemB, hour: 3);

        Assert.Equal(PublishPass.Blocked, await _syria.Publisher.PublishPendingAsync(Ct));
        Assert.Equal(PublishPass.Blocked, await _syria.Publisher.PublishPendingAsync(Ct));

        // B waits behind A: the gateway saw only A, twice.
        Assert.Equal([ItemA, ItemA], _gateway.Requests.Select(r => ItemOf(r)));
        Assert.Equal([ItemB, ItemA], await PublicationsAsync("pending"));
        Assert.Equal(["0", "2"], await PublicationsAsync("pending", "attempts"));
        Assert.Contains("503 log-unavailable", (await PublicationsAsync("pending", "lastError"))[1], StringComparison.Ordinal);

        _gateway.Refuse = _ => null;
        Assert.Equal(PublishPass.Drained, await _syria.Publisher.PublishPendingAsync(Ct));
        Assert.Equal(PublishPass.Drained, await _syria.Publisher.PublishPendingAsync(Ct));

        Assert.Equal([ItemA, ItemB], _gateway.Accepted.Select(r => ItemOf(r)));
        Assert.Equal(4, _gateway.Requests.Count);
        var attemptsOfA = _gateway.Requests.Where(r => ItemOf(r) == ItemA).ToList();
        Assert.Single(attemptsOfA.Select(r => r.NaqilId).Distinct());
        Assert.Single(attemptsOfA.Select(r => r.Text).Distinct());
        Assert.Equal([ItemB, ItemA], await PublicationsAsync("published"));
    }

    [Theory]
    [InlineData(409, "id-reused", "failed")]
    [InlineData(404, "unknown-topic", "failed")]
    [InlineData(400, "bad-body", "failed")]
    [InlineData(429, "overloaded", "pending")]
    [InlineData(408, "timeout", "pending")]
    [InlineData(503, "config-expired", "pending")]
    [InlineData(500, "internal", "pending")]
    public async Task GatewayAnswer_DecidesBetweenRetryingAndFailing(int status, string error, string state)
    {
        _gateway.Refuse = r => ItemOf(r) == ItemA ? (status, error) : null;
        await DispatchAsync(_syria, ItemA);
        await DispatchAsync(_syria, ItemB, hour: 3);

        await _syria.Publisher.PublishPendingAsync(Ct);
        await _syria.Publisher.PublishPendingAsync(Ct);

        var (_, all) = await _syria.GetAsync("/publications");
        var a = Assert.Single(all.GetProperty("publications").EnumerateArray(), p => p.GetProperty("itemId").GetString() == ItemA);
        Assert.Equal(state, a.GetProperty("state").GetString());
        Assert.Contains($"{status} {error}", a.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        if (state == "failed")
        {
            // Refused for good: tried once, and what follows it is published.
            Assert.Single(_gateway.Requests, r => ItemOf(r) == ItemA);
            Assert.Equal([ItemB], await PublicationsAsync("published"));
        }
        else
        {
            Assert.Equal(2, _gateway.Requests.Count(r => ItemOf(r) == ItemA));
            Assert.Empty(await PublicationsAsync("published"));
        }
    }

    [Fact]
    public async Task GatewayDown_ThenThePostRestarts_ThePendingEventIsSentFromItsStore()
    {
        var directory = new TempDirectory();
        try
        {
            var down = await FakeGateway.StartAsync();
            var downUrl = down.Url;
            await down.DisposeAsync();
            string expectedId;
            await using (var before = await PostHost.StartAsync(Posts.Syria, Options(downUrl), directory))
            {
                await DispatchAsync(before, ItemA);
                Assert.Equal(PublishPass.Blocked, await before.Publisher.PublishPendingAsync(Ct));
                var pending = Assert.Single(await before.Store.PendingPublicationsAsync(10, Ct));
                Assert.Contains("did not answer", pending.LastError, StringComparison.Ordinal);
                expectedId = pending.NaqilId;
            }

            await using var after = await PostHost.StartAsync(Posts.Syria, Options(_gateway.Url), directory);
            Assert.Equal(PublishPass.Drained, await after.Publisher.PublishPendingAsync(Ct));

            var sent = Assert.Single(_gateway.Accepted);
            Assert.Equal(expectedId, sent.NaqilId);
            Assert.Equal(ItemA, ItemOf(sent));
            Assert.Empty(await after.Store.PendingPublicationsAsync(10, Ct));
        }
        finally
        {
            directory.Dispose();
        }
    }

    [Fact]
    public async Task HostedPublisher_SendsWhatIsRecorded_WithoutBeingAsked()
    {
        await using var hosted = await PostHost.StartAsync(Posts.Syria, Options(_gateway.Url) with { HostPublisher = true, PollInterval = TimeSpan.FromHours(1) });

        await DispatchAsync(hosted, ItemA);
        await _gateway.WaitForRequestsAsync(1);

        Assert.Equal(ItemA, ItemOf(Assert.Single(_gateway.Accepted)));
    }

    [Fact]
    public async Task WithoutAGateway_NothingIsQueued_AndNoPublisherRuns()
    {
        await using var alone = await PostHost.StartAsync(Posts.Syria);

        await DispatchAsync(alone, ItemA);

        Assert.Null(alone.Services.GetService<PostalPublisher>());
        Assert.Empty(await alone.Store.ListPublicationsAsync(null, 10, Ct));
        var (status, list) = await alone.GetAsync("/publications");
        Assert.Equal(200, status);
        Assert.Equal(0, list.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Publications_UnknownState_IsRefused()
    {
        var (status, problem) = await _syria.GetAsync("/publications?state=lost");

        Assert.Equal(400, status);
        Assert.Equal("malformed-request", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Run_IsWokenByARecordedEvent_AndRetriesWithBackoffUntilTheGatewayTakesIt()
    {
        using var directory = new TempDirectory();
        using var store = new SqlitePostalStore(Path.Combine(directory.Path, "postal.db"));
        var signal = new PublicationSignal();
        var postal = new PostalService(Posts.Syria, store, TimeProvider.System, signal);
        await postal.InitializeAsync(Ct);
        // An hour between looks unless woken: only the signal can make these sends happen within the test's wait.
        var options = Options(_gateway.Url) with { PollInterval = TimeSpan.FromHours(1), RetryMinimum = TimeSpan.FromMilliseconds(20), RetryMaximum = TimeSpan.FromMilliseconds(80) };
        var log = new RecordingLogger<PostalPublisher>();
        using var publisher = new PostalPublisher(store, options, signal, TimeProvider.System, log);
        using var stop = new CancellationTokenSource();
        var run = publisher.RunAsync(stop.Token);
        var past = TimeProvider.System.GetUtcNow().AddHours(-3);

        await AcceptAndDispatchAsync(postal, ItemA, past);
        await _gateway.WaitForRequestsAsync(1);

        var refusals = 0;
        _gateway.Refuse = _ => Interlocked.Increment(ref refusals) <= 2 ? (503, "log-unavailable") : null;
        await AcceptAndDispatchAsync(postal, ItemB, past);
        await _gateway.WaitForRequestsAsync(4);
        // 5000 is logged once the store says published.
        await log.WaitForAsync(5000, 2);

        await stop.CancelAsync();
        await run;
        Assert.Equal([ItemA, ItemB], _gateway.Accepted.Select(r => ItemOf(r)));
        Assert.Empty(await store.PendingPublicationsAsync(10, Ct));
    }

    [Fact]
    public void Backoff_DoublesFromTheMinimum_UpToTheMaximum()
    {
        var options = Options(_gateway.Url) with { RetryMinimum = TimeSpan.FromSeconds(1), RetryMaximum = TimeSpan.FromSeconds(10) };
        using var publisher = new PostalPublisher(_syria.Store, options, new PublicationSignal(), new FakeTimeProvider(), NullLogger<PostalPublisher>.Instance);

        Assert.Equal([1, 2, 4, 8, 10, 10], new[] { 1, 2, 3, 4, 5, 60 }.Select(n => publisher.Backoff(n).TotalSeconds));
    }

    [Fact]
    public void Options_NameWhatIsWrong()
    {
        var errors = (PostalExchangeOptions.For(Posts.Syria, new Uri("ftp://127.0.0.1/"), "IQ") with { Topic = "IQ/GOV/POST/ems/item-events" }).Validate();

        Assert.Contains(errors, e => e.Contains("GatewayUrl", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Topic 'IQ/GOV/POST/ems/item-events' must be a topic of the publisher 'SY/GOV/POST/ems'", StringComparison.Ordinal));
        Assert.Empty(PostalExchangeOptions.For(Posts.Syria, new Uri("http://127.0.0.1:4110"), "IQ").Validate());
        Assert.Equal(["IQ/GOV/POST/ems/item-events"], PostalExchangeOptions.For(Posts.Syria, null, "IQ").PartnerTopics);
    }

    private static async Task AcceptAndDispatchAsync(PostalService postal, string itemId, DateTimeOffset at)
    {
        Assert.Equal(PostalError.None, (await postal.AcceptAsync(itemId, "IQ", "SYDAMZ", at, Ct)).Error);
        Assert.Equal(PostalError.None, (await postal.RecordAsync(itemId, "EMB", "SYDAMA", at.AddHours(1), Ct)).Error);
        Assert.Equal(PostalError.None, (await postal.RecordAsync(itemId, "EMC", "SYDAMA", at.AddHours(2), Ct)).Error);
    }

    private static string ItemOf(PublishRequest request) =>
        EmsEventMessage.TryParse(Encoding.UTF8.GetBytes(request.Text), out var message) ? message.ItemId! : "";
}

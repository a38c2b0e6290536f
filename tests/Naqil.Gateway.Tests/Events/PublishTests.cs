using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Naqil.Gateway.Events;
using Naqil.Gateway.Tests.TestEnvironment;
using Naqil.MessageLog;

namespace Naqil.Gateway.Tests.Events;

/// <summary>The publisher's half of events, on two real gateways: the consumer gateway (SY/GOV/MOCT) takes the portal's events.</summary>
public sealed class PublishTests : IAsyncLifetime
{
    private const string Body = "{\"notice\":\"office hours\",\"n\":1}";

    private GatewayTestEnvironment _env = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IEventOutbox Outbox => _env.Consumer.App.Services.GetRequiredService<IEventOutbox>();

    public async ValueTask InitializeAsync() => _env = await GatewayTestEnvironment.StartAsync();

    public async ValueTask DisposeAsync() => await _env.DisposeAsync();

    [Fact]
    public async Task Publish_OwnTopic_202OnlyWithEventDeliveriesAndLogEntryStored()
    {
        var id = Guid.CreateVersion7().ToString("D");

        using var response = await PublishAsync(GatewayTestEnvironment.Notices, Body, id);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(id, response.Headers.GetValues("Naqil-Id").Single());
        var stored = await Outbox.FindAsync(id, Ct);
        Assert.NotNull(stored);
        Assert.Equal(GatewayTestEnvironment.Notices, stored.Topic);
        Assert.Equal(GatewayTestEnvironment.Portal, stored.Publisher);
        Assert.Equal(Encoding.UTF8.GetBytes(Body), stored.Body);
        Assert.Equal(_env.Time.GetUtcNow().ToUnixTimeMilliseconds(), stored.Published.ToUnixTimeMilliseconds());
        // One delivery per subscriber listed; delivery may already have taken them on.
        Assert.Equal(new Dictionary<string, long> { ["SY/GOV/CIVREG/registry"] = 1, [GatewayTestEnvironment.Other] = 1 }, await DeliveriesAsync(GatewayTestEnvironment.Notices));
        var entry = await LogEntryAsync(id);
        Assert.Equal(("publisher", "ok", 202, "POST"), (entry.Side, entry.Outcome, entry.Status, entry.Method));
        Assert.Equal((GatewayTestEnvironment.Portal, GatewayTestEnvironment.Notices), (entry.Client, entry.Service));
        Assert.Equal(Naqil.Signatures.ContentDigest.Compute(Encoding.UTF8.GetBytes(Body)), entry.RequestDigest);
    }

    [Fact]
    public async Task Publish_WithoutNaqilId_OneIsMadeAndReturned()
    {
        using var response = await PublishAsync(GatewayTestEnvironment.Notices, Body, id: null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = response.Headers.GetValues("Naqil-Id").Single();
        Assert.True(Guid.TryParseExact(id, "D", out _));
        Assert.NotNull(await Outbox.FindAsync(id, Ct));
    }

    [Fact]
    public async Task Publish_SameIdSameBody_202AgainWithoutASecondEvent()
    {
        var id = Guid.CreateVersion7().ToString("D");
        using var first = await PublishAsync(GatewayTestEnvironment.Notices, Body, id);

        using var again = await PublishAsync(GatewayTestEnvironment.Notices, Body, id);

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.StatusCode, again.StatusCode));
        Assert.Equal(id, again.Headers.GetValues("Naqil-Id").Single());
        Assert.Equal(2, (await DeliveriesAsync(GatewayTestEnvironment.Notices)).Values.Sum());
    }

    [Fact]
    public async Task Publish_SameIdOtherBody_RefusedWithIdReused_FirstEventKept()
    {
        var id = Guid.CreateVersion7().ToString("D");
        using var first = await PublishAsync(GatewayTestEnvironment.Notices, Body, id);

        using var other = await PublishAsync(GatewayTestEnvironment.Notices, "{\"notice\":\"something else\"}", id);

        await AssertProblemAsync(other, HttpStatusCode.Conflict, "id-reused");
        Assert.Equal(Encoding.UTF8.GetBytes(Body), (await Outbox.FindAsync(id, Ct))!.Body);
        Assert.Equal(2, (await DeliveriesAsync(GatewayTestEnvironment.Notices)).Values.Sum());
    }

    [Theory]
    [InlineData("SY/GOV/MOCT/portal/unlisted", Body, null, HttpStatusCode.NotFound, "unknown-topic")]
    [InlineData(GatewayTestEnvironment.Births, Body, null, HttpStatusCode.Forbidden, "not-publisher")]
    [InlineData(GatewayTestEnvironment.Applications, Body, null, HttpStatusCode.BadRequest, "purpose-required")]
    [InlineData(GatewayTestEnvironment.Notices, "{\"notice\":", null, HttpStatusCode.BadRequest, "bad-body")]
    [InlineData(GatewayTestEnvironment.Notices, "{} {}", null, HttpStatusCode.BadRequest, "bad-body")]
    [InlineData(GatewayTestEnvironment.Notices, "", null, HttpStatusCode.BadRequest, "bad-body")]
    [InlineData(GatewayTestEnvironment.Notices, Body, GatewayTestEnvironment.Keyed, HttpStatusCode.Unauthorized, "client-unauthenticated")]
    [InlineData("SY/GOV/MOCT/portal", Body, null, HttpStatusCode.BadRequest, "bad-identifier")]
    public async Task Publish_Refused_ProblemAndNothingStored_RefusalLogged(string topic, string body, string? client, HttpStatusCode status, string code)
    {
        var id = Guid.CreateVersion7().ToString("D");

        using var response = await PublishAsync(topic, body, id, client ?? GatewayTestEnvironment.Portal);

        await AssertProblemAsync(response, status, code);
        Assert.Null(await Outbox.FindAsync(id, Ct));
        Assert.Empty(await DeliveriesAsync(null));
        var entry = await LogEntryAsync(id);
        Assert.Equal(("publisher", code, (int)status), (entry.Side, entry.Outcome, entry.Status));
    }

    [Fact]
    public async Task Publish_BodyOverMaxBodyBytes_RefusedWithTooLarge()
    {
        var id = Guid.CreateVersion7().ToString("D");
        var body = "[" + string.Join(',', Enumerable.Repeat("1", (int)GatewayTestEnvironment.MaxBodyBytes)) + "]";

        using var response = await PublishAsync(GatewayTestEnvironment.Notices, body, id);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "too-large");
        Assert.Null(await Outbox.FindAsync(id, Ct));
    }

    [Fact]
    public async Task Publish_PersonalDataTopicWithPurpose_Accepted()
    {
        var id = Guid.CreateVersion7().ToString("D");
        using var request = Request(GatewayTestEnvironment.Applications, Body, id, GatewayTestEnvironment.Portal);
        request.Headers.Add("Naqil-Purpose", "application-processing");

        using var response = await _env.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("application-processing", (await LogEntryAsync(id)).Purpose);
        Assert.Empty(await DeliveriesAsync(GatewayTestEnvironment.Applications));
    }

    [Fact]
    public async Task Publish_LogEntryCannotBeWritten_EventWithdrawnAndLogUnavailable_ThenTheResendIsStored()
    {
        var id = Guid.CreateVersion7().ToString("D");
        var database = Path.Combine(_env.Consumer.App.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Naqil.Gateway.Configuration.GatewayOptions>>().Value.DataDirectory, "messagelog.db");
        // The outbox's tables stay writable; only the log's entries are refused.
        await ExecuteAsync(database, "CREATE TRIGGER refuse_entries BEFORE INSERT ON log_entries BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");

        using (var refused = await PublishAsync(GatewayTestEnvironment.Notices, Body, id))
        {
            await AssertProblemAsync(refused, HttpStatusCode.ServiceUnavailable, "log-unavailable");
        }

        Assert.Null(await Outbox.FindAsync(id, Ct));
        Assert.Empty(await DeliveriesAsync(null));
        await ExecuteAsync(database, "DROP TRIGGER refuse_entries");
        await _env.Consumer.TickLogAsync();

        using var resent = await PublishAsync(GatewayTestEnvironment.Notices, Body, id);

        Assert.Equal(HttpStatusCode.Accepted, resent.StatusCode);
        Assert.NotNull(await Outbox.FindAsync(id, Ct));
        Assert.Equal(2, (await DeliveriesAsync(GatewayTestEnvironment.Notices)).Values.Sum());
        Assert.Equal("ok", (await LogEntryAsync(id)).Outcome);
    }

    /// <summary>Deliveries made for each subscriber of <paramref name="topic"/> (or all), whatever has become of them since.</summary>
    private async Task<Dictionary<string, long>> DeliveriesAsync(string? topic) =>
        (await Outbox.SubscriptionsAsync(Ct)).Where(s => topic is null || s.Subscription.Topic == topic).ToDictionary(s => s.Subscription.Subscriber, s => s.Pending + s.Dead + s.Delivered);

    private HttpRequestMessage Request(string topic, string body, string? id, string client)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{_env.Consumer.ConsumerUrl}/e1/{topic}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Naqil-Client", client);
        if (id is not null)
        {
            request.Headers.Add("Naqil-Id", id);
        }

        return request;
    }

    private async Task<HttpResponseMessage> PublishAsync(string topic, string body, string? id, string client = GatewayTestEnvironment.Portal)
    {
        using var request = Request(topic, body, id, client);
        return await _env.Client.SendAsync(request, Ct);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, response.Headers.GetValues("Naqil-Error").Single());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(code, json.RootElement.GetProperty("code").GetString());
    }

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Pooling=false");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }

    private async Task<LogEntry> LogEntryAsync(string id)
    {
        var store = _env.Consumer.MessageLog.Store;
        var index = Assert.Single(await store.FindAsync(id, Ct));
        var stored = Assert.Single(await store.ReadEntriesAsync(index, index + 1, Ct));
        Assert.True(LogEntryEncoding.TryDecode(stored.Encoding, out _, out var entry, out _));
        return entry!;
    }
}

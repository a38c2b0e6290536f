using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Naqil.Agencies.Postal;

namespace Naqil.Agencies.Tests.Postal.Apis;

public sealed class PostalApiTests : IAsyncLifetime
{
    private const string Item = "EE123456785SY";
    private PostHost _syria = null!;

    private static DateTimeOffset Posted => PostHost.Now.AddDays(-2);

    public async ValueTask InitializeAsync() => _syria = await PostHost.StartAsync(Posts.Syria);

    public async ValueTask DisposeAsync() => await _syria.DisposeAsync();

    private Task<(int Status, JsonElement Body)> AcceptAsync(string itemId = Item) =>
        _syria.PostAsync("/items", new { itemId, destination = "IQ", office = "SYDAMZ", time = Posted });

    private Task<(int Status, JsonElement Body)> RecordAsync(string code, string office, DateTimeOffset time, string itemId = Item) =>
        _syria.PostAsync($"/items/{itemId}/events", new { code, office, time });

    private async Task<string[]> StoredCodesAsync(string itemId = Item)
    {
        var (status, body) = await _syria.GetAsync($"/items/{itemId}");
        return status == 404 ? [] : [.. body.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("code").GetString()!)];
    }

    private static void AssertProblem((int Status, JsonElement Body) answer, int status, string code, string? detail = null)
    {
        Assert.Equal(status, answer.Status);
        Assert.Equal(code, answer.Body.GetProperty("code").GetString());
        if (detail is not null)
        {
            Assert.Contains(detail, answer.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AcceptAndRecord_ThenTrack_ReturnsTheHistoryInTimeOrderWithMeanings()
    {
        Assert.Equal(201, (await AcceptAsync()).Status);
        Assert.Equal(201, (await RecordAsync("EMB", "SYDAMA", Posted.AddHours(6))).Status);
        // Recorded in UTC: the offset is kept as sent, the order is by instant.
        Assert.Equal(201, (await RecordAsync("EMC", "SYDAMA", Posted.AddHours(20).ToOffset(TimeSpan.Zero))).Status);

        var (status, item) = await _syria.GetAsync($"/items/{Item}");

        Assert.Equal(200, status);
        Assert.Equal("SY", item.GetProperty("origin").GetString());
        Assert.Equal("IQ", item.GetProperty("destination").GetString());
        Assert.Equal("dispatched", item.GetProperty("status").GetString());
        var events = item.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["EMA", "EMB", "EMC"], events.Select(e => e.GetProperty("code").GetString()));
        Assert.Equal("Departure from outward office of exchange", events[2].GetProperty("event").GetString());
        Assert.Equal("مغادرة مكتب التبادل الصادر", events[2].GetProperty("eventArabic").GetString());
        Assert.Equal("DAMASCUS EXCHANGE", events[2].GetProperty("officeName").GetString());
        Assert.EndsWith("+00:00", events[2].GetProperty("time").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("+03:00", events[0].GetProperty("time").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ByOfficeAndStatus()
    {
        await AcceptAsync();
        await AcceptAsync("EE000000080SY");
        await RecordAsync("EMB", "SYDAMA", Posted.AddHours(1));

        var (status, list) = await _syria.GetAsync("/items?office=SYDAMA&status=at-outward-exchange");
        var (_, posted) = await _syria.GetAsync("/items?status=posted");

        Assert.Equal(200, status);
        Assert.Equal([Item], list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()));
        Assert.Equal(["EE000000080SY"], posted.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()));
        AssertProblem(await _syria.GetAsync("/items?office=IQBGWA"), 422, "unknown-office");
        AssertProblem(await _syria.GetAsync("/items?status=lost"), 400, "malformed-request");
    }

    [Theory]
    [InlineData("EE123456784SY", "character 11 ('4') is the check digit; for 12345678 it must be 5")]
    [InlineData("EE12345678SY", "this one has 12")]
    [InlineData("EE1234567A5SY", "character 10 ('A') must be a digit 0-9")]
    public async Task MalformedItemId_IsRefusedEverywhere_NothingStored(string itemId, string detail)
    {
        AssertProblem(await AcceptAsync(itemId), 400, "malformed-item-id", detail);
        AssertProblem(await RecordAsync("EMB", "SYDAMA", Posted, itemId), 400, "malformed-item-id", detail);
        AssertProblem(await _syria.GetAsync($"/items/{itemId}"), 400, "malformed-item-id", detail);
        Assert.Equal(0, (await _syria.GetAsync("/items")).Body.GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("EMZ")]
    [InlineData("ema")]
    [InlineData("1")]
    public async Task UnknownEventCode_IsRefused_NothingStored(string code)
    {
        await AcceptAsync();

        AssertProblem(await RecordAsync(code, "SYDAMA", Posted.AddHours(1)), 400, "unknown-event-code", "use one of EMA, EMB, EMC, EMD, EME, EMF, EMG, EMH, EMI");

        Assert.Equal(["EMA"], await StoredCodesAsync());
    }

    [Fact]
    public async Task EventOutOfOrder_IsRefused_NamingWhatMayFollow()
    {
        // EMC before EMB; nothing before EMA.
        AssertProblem(await RecordAsync("EMB", "SYDAMA", Posted), 404, "item-not-found");
        await AcceptAsync();

        AssertProblem(await RecordAsync("EMC", "SYDAMA", Posted.AddHours(1)), 409, "out-of-order", "cannot take EMC (Departure from outward office of exchange) after EMA (Posting / collection); it may be followed by EMB");
        AssertProblem(await RecordAsync("EMA", "SYDAMZ", Posted.AddHours(1)), 409, "out-of-order");

        Assert.Equal(["EMA"], await StoredCodesAsync());
    }

    [Fact]
    public async Task EventEarlierThanTheLast_IsRefusedAsOutOfOrder()
    {
        await AcceptAsync();

        AssertProblem(await RecordAsync("EMB", "SYDAMA", Posted.AddMinutes(-1)), 409, "out-of-order", "is earlier than item EE123456785SY's last event EMA");

        Assert.Equal(["EMA"], await StoredCodesAsync());
    }

    [Fact]
    public async Task DestinationEvent_AtTheOriginPost_IsRefused()
    {
        await AcceptAsync();
        await RecordAsync("EMB", "SYDAMA", Posted.AddHours(1));
        await RecordAsync("EMC", "SYDAMA", Posted.AddHours(2));

        // EMI before EMD, and at the wrong post: delivery is the destination post's to record.
        AssertProblem(await RecordAsync("EMI", "SYDAMZ", Posted.AddHours(3)), 422, "wrong-post", "recorded by the destination post, and for item EE123456785SY that is IQ, not SY");

        Assert.Equal(["EMA", "EMB", "EMC"], await StoredCodesAsync());
    }

    [Fact]
    public async Task TimeInTheFuture_BeyondTheSkew_IsRefused_WithinItIsTaken()
    {
        await AcceptAsync();

        AssertProblem(await RecordAsync("EMB", "SYDAMA", PostHost.Now.AddMinutes(6)), 422, "future-time", "at most 5 minutes are allowed");
        Assert.Equal(["EMA"], await StoredCodesAsync());

        Assert.Equal(201, (await RecordAsync("EMB", "SYDAMA", PostHost.Now.AddMinutes(4))).Status);
        _syria.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(201, (await RecordAsync("EMC", "SYDAMA", PostHost.Now.AddMinutes(50))).Status);
    }

    [Fact]
    public async Task SameEventTwice_IsStoredOnce_AndAnsweredAsSuccess()
    {
        Assert.Equal(201, (await AcceptAsync()).Status);
        Assert.Equal(200, (await AcceptAsync()).Status);
        Assert.Equal(201, (await RecordAsync("EMB", "SYDAMA", Posted.AddHours(1))).Status);
        // The same instant written in another offset is the same event.
        var (status, item) = await RecordAsync("EMB", "SYDAMA", Posted.AddHours(1).ToOffset(TimeSpan.Zero));

        Assert.Equal(200, status);
        Assert.Equal(2, item.GetProperty("events").GetArrayLength());
        Assert.Equal(["EMA", "EMB"], await StoredCodesAsync());
    }

    [Fact]
    public async Task AcceptingAKnownItemDifferently_IsRefused()
    {
        await AcceptAsync();

        AssertProblem(await _syria.PostAsync("/items", new { itemId = Item, destination = "IQ", office = "SYALPB", time = Posted }), 409, "item-exists");

        Assert.Equal(["EMA"], await StoredCodesAsync());
    }

    [Fact]
    public async Task OfficeChecks_UnknownOffice_AndExchangeEventAtACounter()
    {
        AssertProblem(await _syria.PostAsync("/items", new { itemId = Item, destination = "IQ", office = "IQBGWA", time = Posted }), 422, "unknown-office", "its offices are SYDAMA, SYALPA, SYDAMZ, SYALPB");
        await AcceptAsync();

        AssertProblem(await RecordAsync("EMB", "SYDAMZ", Posted.AddHours(1)), 422, "not-an-office-of-exchange", "those of SY are SYDAMA, SYALPA");

        Assert.Equal(["EMA"], await StoredCodesAsync());
    }

    [Fact]
    public async Task ForeignItemNotBoundHere_IsRefused()
    {
        AssertProblem(await _syria.PostAsync("/items", new { itemId = "AA473124829GB", destination = "IQ", office = "SYDAMA", time = Posted }), 422, "wrong-post");
        AssertProblem(await _syria.PostAsync("/items", new { itemId = Item, destination = "SY", office = "SYDAMZ", time = Posted }), 422, "wrong-post");

        Assert.Equal(0, (await _syria.GetAsync("/items")).Body.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task OversizedBody_IsRefusedAsTooLarge_WithOrWithoutContentLength()
    {
        var padding = new string('x', 20_000);
        AssertProblem(await _syria.PostAsync("/items", new { itemId = Item, destination = "IQ", office = "SYDAMZ", time = Posted, padding }), 413, "too-large");

        // Chunked, so no Content-Length announces it.
        using var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($"{{\"itemId\":\"{Item}\",\"padding\":\"{padding}\"}}")));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/items") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var response = await _syria.Client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("too-large", (await PostHost.ReadAsync(response)).GetProperty("code").GetString());

        Assert.Empty(await StoredCodesAsync());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"itemId\": \"EE123456785SY\", \"office\": \"SYDAMZ\", \"time\": \"yesterday\"}")]
    [InlineData("null")]
    public async Task MalformedBody_IsRefused(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _syria.Client.PostAsync(new Uri("/items", UriKind.Relative), content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("malformed-request", (await PostHost.ReadAsync(response)).GetProperty("code").GetString());
        Assert.Empty(await StoredCodesAsync());
    }

    [Fact]
    public async Task MissingTime_IsRefused()
    {
        AssertProblem(await _syria.PostAsync("/items", new { itemId = Item, destination = "IQ", office = "SYDAMZ" }), 400, "malformed-request", "time is required");
        Assert.Empty(await StoredCodesAsync());
    }

    [Fact]
    public async Task OpenApi_DescribesThePostsPathsCodesAndOffices()
    {
        var (status, document) = await _syria.GetAsync("/openapi.json");

        Assert.Equal(200, status);
        Assert.Equal("3.1.0", document.GetProperty("openapi").GetString());
        Assert.Equal("Syrian Post EMS items", document.GetProperty("info").GetProperty("title").GetString());
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/items/{itemId}/events", out _));
        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.Equal(["SYDAMA", "SYALPA", "SYDAMZ", "SYALPB"], schemas.GetProperty("Office").GetProperty("enum").EnumerateArray().Select(o => o.GetString()));
        Assert.Contains("out-of-order", schemas.GetProperty("Problem").GetProperty("properties").GetProperty("code").GetProperty("enum").EnumerateArray().Select(c => c.GetString()));
        Assert.Matches(schemas.GetProperty("ItemId").GetProperty("pattern").GetString()!, Item);
    }

    [Fact]
    public async Task OpenApi_DescribesTheReceiveEndpoint_AndEachOperationsRefusalsByStatus()
    {
        var (_, document) = await _syria.GetAsync("/openapi.json");
        var paths = document.GetProperty("paths");

        var receive = paths.GetProperty("/events/ems").GetProperty("post");
        Assert.Equal("receiveEmsEvent", receive.GetProperty("operationId").GetString());
        Assert.Equal("#/components/schemas/EmsEvent", receive.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        var conflicts = receive.GetProperty("responses").GetProperty("409").GetProperty("description").GetString();
        Assert.Contains("out-of-order", conflicts, StringComparison.Ordinal);
        Assert.Contains("history-conflict", conflicts, StringComparison.Ordinal);
        Assert.Contains("unknown-topic", receive.GetProperty("responses").GetProperty("422").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("item-not-found", paths.GetProperty("/items/{itemId}").GetProperty("get").GetProperty("responses").GetProperty("404").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(paths.GetProperty("/publications").GetProperty("get").GetProperty("responses").TryGetProperty("400", out _));
        // Every operation says what it answers besides success.
        foreach (var path in paths.EnumerateObject().Where(p => p.Name != "/offices"))
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                Assert.Contains(operation.Value.GetProperty("responses").EnumerateObject(), r => r.Name.StartsWith('4'));
            }
        }
    }
}

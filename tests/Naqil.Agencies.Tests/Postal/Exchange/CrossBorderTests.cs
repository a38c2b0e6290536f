using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Naqil.Agencies.Tests.Postal.Apis;

namespace Naqil.Agencies.Tests.Postal.Exchange;

/// <summary>An item Syria's post sends to Iraq's, its events crossing both ways over a bus the test plays.</summary>
public sealed class CrossBorderTests : IAsyncLifetime
{
    private const string Item = "EE123456785SY";
    private const string IraqTopic = "IQ/GOV/POST/ems/item-events";
    private const string IraqClient = "IQ/GOV/POST/ems";
    private PostPair _posts = null!;

    private static DateTimeOffset Posted => PostHost.Now.AddDays(-3);

    public async ValueTask InitializeAsync() => _posts = await PostPair.StartAsync();

    public async ValueTask DisposeAsync() => await _posts.DisposeAsync();

    private static async Task RecordAsync(PostHost post, string code, string office, DateTimeOffset time, int expected = 201)
    {
        var (status, body) = await post.PostAsync($"/items/{Item}/events", new { code, office, time });
        Assert.True(status == expected, $"{code}: {status} {body}");
    }

    private async Task DispatchFromSyriaAsync()
    {
        Assert.Equal(201, (await _posts.Syria.PostAsync("/items", new { itemId = Item, destination = "IQ", office = "SYDAMZ", time = Posted })).Status);
        await RecordAsync(_posts.Syria, "EMB", "SYDAMA", Posted.AddHours(6));
        // In UTC: the offset an event was written in travels with it.
        await RecordAsync(_posts.Syria, "EMC", "SYDAMA", Posted.AddHours(20).ToOffset(TimeSpan.Zero));
    }

    private static async Task<JsonElement> TrackAsync(PostHost post, string itemId = Item)
    {
        var (status, item) = await post.GetAsync($"/items/{itemId}");
        Assert.Equal(200, status);
        return item;
    }

    private static string[] History(JsonElement item) =>
        [.. item.GetProperty("events").EnumerateArray().Select(e => $"{e.GetProperty("code")} {e.GetProperty("office")} {e.GetProperty("time")} {e.GetProperty("recordedBy")}")];

    private static string[] Codes(JsonElement item) => [.. item.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("code").GetString()!)];

    [Fact]
    public async Task Item_CrossesBothWays_AndBothPostsEndWithTheWholeHistoryInTimeOrder()
    {
        await DispatchFromSyriaAsync();

        Assert.Equal([201], (await _posts.RelayAsync()).Select(a => a.Status));
        var arrived = await TrackAsync(_posts.Iraq);
        Assert.Equal("dispatched", arrived.GetProperty("status").GetString());
        Assert.Equal(["EMA", "EMB", "EMC"], Codes(arrived));
        Assert.All(arrived.GetProperty("events").EnumerateArray(), e => Assert.Equal("SY", e.GetProperty("recordedBy").GetString()));
        Assert.Equal("DAMASCUS EXCHANGE", arrived.GetProperty("events")[2].GetProperty("officeName").GetString());

        Assert.Equal(201, (await _posts.Iraq.PostAsync("/items", new { itemId = Item, office = "IQBGWA", time = Posted.AddHours(30) })).Status);
        await RecordAsync(_posts.Iraq, "EME", "IQBGWA", Posted.AddHours(32));
        await RecordAsync(_posts.Iraq, "EMF", "IQBGWA", Posted.AddHours(40));
        await RecordAsync(_posts.Iraq, "EMG", "IQBGWK", Posted.AddHours(48));
        await RecordAsync(_posts.Iraq, "EMH", "IQBGWK", Posted.AddHours(50));
        await RecordAsync(_posts.Iraq, "EMI", "IQBGWK", Posted.AddHours(60));

        Assert.Equal([201, 201, 201, 201, 201, 201], (await _posts.RelayAsync()).Select(a => a.Status));
        var atSyria = await TrackAsync(_posts.Syria);
        var atIraq = await TrackAsync(_posts.Iraq);
        Assert.Equal(History(atIraq), History(atSyria));
        Assert.Equal(["EMA", "EMB", "EMC", "EMD", "EME", "EMF", "EMG", "EMH", "EMI"], Codes(atSyria));
        Assert.Equal(["SY", "SY", "SY", "IQ", "IQ", "IQ", "IQ", "IQ", "IQ"], atSyria.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("recordedBy").GetString()));
        var times = atSyria.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("time").GetDateTimeOffset()).ToList();
        Assert.Equal(times.Order(), times);
        Assert.EndsWith("+00:00", atSyria.GetProperty("events")[2].GetProperty("time").GetString(), StringComparison.Ordinal);
        Assert.Equal("delivered", atSyria.GetProperty("status").GetString());
        Assert.Equal("delivered", atIraq.GetProperty("status").GetString());
        Assert.All(_posts.IraqGateway.Requests, r => Assert.Equal((IraqTopic, IraqClient), (r.Topic, r.Client)));
        // What a post received is not published again.
        Assert.Single(_posts.SyriaGateway.Accepted);
        Assert.Empty(await _posts.RelayAsync());
    }

    [Fact]
    public async Task Emd_RecordedAsAnEvent_OntoAnItemThatArrivedOnTheBus_ThenAcceptanceIsTheSameOrRefused()
    {
        await DispatchFromSyriaAsync();
        await _posts.RelayAsync();

        await RecordAsync(_posts.Iraq, "EMD", "IQBGWA", Posted.AddHours(30));
        var (again, _) = await _posts.Iraq.PostAsync("/items", new { itemId = Item, office = "IQBGWA", time = Posted.AddHours(30) });
        var (other, problem) = await _posts.Iraq.PostAsync("/items", new { itemId = Item, office = "IQBSRA", time = Posted.AddHours(31) });

        Assert.Equal(200, again);
        Assert.Equal(409, other);
        Assert.Equal("item-exists", problem.GetProperty("code").GetString());
        Assert.Equal(["EMA", "EMB", "EMC", "EMD"], Codes(await TrackAsync(_posts.Iraq)));
    }

    [Fact]
    public async Task Redelivery_IsAcknowledged_AndNothingIsStoredTwice()
    {
        await DispatchFromSyriaAsync();
        await _posts.RelayAsync();
        await RecordAsync(_posts.Iraq, "EMD", "IQBGWA", Posted.AddHours(30));
        await _posts.RelayAsync();

        var (toIraq, _) = await PostPair.DeliverAsync(_posts.Iraq, _posts.SyriaGateway.Accepted[0], "IQ/GOV/POST/ems");
        var (toSyria, _) = await PostPair.DeliverAsync(_posts.Syria, _posts.IraqGateway.Accepted[0], "SY/GOV/POST/ems");

        Assert.Equal((200, 200), (toIraq, toSyria));
        Assert.Equal(["EMA", "EMB", "EMC", "EMD"], Codes(await TrackAsync(_posts.Iraq)));
        Assert.Equal(["EMA", "EMB", "EMC", "EMD"], Codes(await TrackAsync(_posts.Syria)));
    }

    [Fact]
    public async Task MissedEvent_IsCaughtUpByTheNext_AndItsLateDeliveryIsANoOp()
    {
        await DispatchFromSyriaAsync();
        await _posts.RelayAsync();
        await _posts.Iraq.PostAsync("/items", new { itemId = Item, office = "IQBGWA", time = Posted.AddHours(30) });
        await RecordAsync(_posts.Iraq, "EMF", "IQBGWA", Posted.AddHours(40));
        await RecordAsync(_posts.Iraq, "EMG", "IQBGWK", Posted.AddHours(48));
        await _posts.Iraq.Publisher.PublishPendingAsync(TestContext.Current.CancellationToken);
        var published = _posts.IraqGateway.Accepted;
        Assert.Equal(3, published.Count);

        // EMD and EMF went to dead letters, say; EMG carries them.
        var (caughtUp, item) = await PostPair.DeliverAsync(_posts.Syria, published[2], "SY/GOV/POST/ems");
        Assert.Equal(201, caughtUp);
        Assert.Equal(["EMA", "EMB", "EMC", "EMD", "EMF", "EMG"], Codes(item));
        Assert.Equal("at-delivery-office", item.GetProperty("status").GetString());

        Assert.Equal(200, (await PostPair.DeliverAsync(_posts.Syria, published[0], "SY/GOV/POST/ems")).Status);
        Assert.Equal(200, (await PostPair.DeliverAsync(_posts.Syria, published[1], "SY/GOV/POST/ems")).Status);
        Assert.Equal(History(await TrackAsync(_posts.Iraq)), History(await TrackAsync(_posts.Syria)));
    }

    [Fact]
    public async Task DifferentHistory_IsRefusedAsAConflict_AndNothingIsApplied()
    {
        await DispatchFromSyriaAsync();
        await _posts.RelayAsync();
        await RecordAsync(_posts.Iraq, "EMD", "IQBGWA", Posted.AddHours(30));
        await _posts.RelayAsync();

        // Iraq's EMD an hour later than the one Syria holds, then EMF.
        var body = IraqEvent(("EMD", "IQBGWA", Posted.AddHours(31)), ("EMF", "IQBGWA", Posted.AddHours(40)));
        var (status, problem) = await PostPair.DeliverAsync(_posts.Syria, Bytes(body), IraqClient, IraqTopic);

        Assert.Equal(409, status);
        Assert.Equal("history-conflict", problem.GetProperty("code").GetString());
        Assert.Contains("event 1 of IQ's history", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(["EMA", "EMB", "EMC", "EMD"], Codes(await TrackAsync(_posts.Syria)));
    }

    [Fact]
    public async Task OtherPostsOffices_AreNotCheckedAgainstThisPosts_AndAreStoredAsGiven()
    {
        await DispatchFromSyriaAsync();

        // An office Iraq's post names and the sandbox does not know.
        var (status, item) = await PostPair.DeliverAsync(_posts.Syria, Bytes(IraqEvent(("EMD", "IQMOSA", Posted.AddHours(30)))), IraqClient, IraqTopic);

        Assert.Equal(201, status);
        var emd = item.GetProperty("events")[3];
        Assert.Equal("IQMOSA", emd.GetProperty("office").GetString());
        Assert.Equal(JsonValueKind.Null, emd.GetProperty("officeName").ValueKind);
        Assert.Equal("at-inward-exchange", item.GetProperty("status").GetString());
    }

    [Fact]
    public async Task RefusedDispatch_CreatesNothingAtTheDestination()
    {
        var body = new JsonObject
        {
            ["itemId"] = Item, ["origin"] = "SY", ["destination"] = "IQ", ["recordedBy"] = "SY",
            ["event"] = Entry("EMA", "SYDAMZ", PostHost.Now.AddHours(1)), ["history"] = new JsonArray(Entry("EMA", "SYDAMZ", PostHost.Now.AddHours(1))),
        };

        var (status, problem) = await PostPair.DeliverAsync(_posts.Iraq, Bytes(body), "SY/GOV/POST/ems", "SY/GOV/POST/ems/item-events");

        Assert.Equal(422, status);
        Assert.Equal("future-time", problem.GetProperty("code").GetString());
        Assert.Equal(404, (await _posts.Iraq.GetAsync($"/items/{Item}")).Status);
    }

    [Theory]
    [InlineData("malformed-item-id", 400, "malformed-item-id")]
    [InlineData("unknown-code", 400, "unknown-event-code")]
    [InlineData("origin-code-from-the-destination", 422, "wrong-post")]
    [InlineData("chain-broken", 409, "out-of-order")]
    [InlineData("time-goes-back", 409, "out-of-order")]
    [InlineData("future-time", 422, "future-time")]
    [InlineData("recorded-by-this-post", 422, "wrong-post")]
    [InlineData("item-not-between-these-posts", 422, "wrong-post")]
    [InlineData("item-unknown-at-its-origin", 404, "item-not-found")]
    [InlineData("event-not-last-of-history", 400, "malformed-request")]
    [InlineData("no-history", 400, "malformed-request")]
    [InlineData("bad-office", 400, "malformed-request")]
    [InlineData("not-json", 400, "malformed-request")]
    [InlineData("another-topic", 422, "unknown-topic")]
    [InlineData("client-of-another-post", 422, "wrong-post")]
    [InlineData("too-large", 413, "too-large")]
    public async Task Refusal_StoresNothing(string change, int status, string code)
    {
        await DispatchFromSyriaAsync();
        var at = Posted.AddHours(30);
        var body = IraqEvent(("EMD", "IQBGWA", at));
        var (client, topic) = (IraqClient, IraqTopic);
        switch (change)
        {
            case "malformed-item-id": body["itemId"] = "EE123456784SY"; break;
            case "unknown-code": body = IraqEvent(("EMZ", "IQBGWA", at)); break;
            case "origin-code-from-the-destination": body = IraqEvent(("EMB", "IQBGWA", at)); break;
            case "chain-broken": body = IraqEvent(("EMD", "IQBGWA", at), ("EMI", "IQBGWK", at.AddHours(1))); break;
            case "time-goes-back": body = IraqEvent(("EMD", "IQBGWA", at), ("EMF", "IQBGWA", at.AddHours(-1))); break;
            case "future-time": body = IraqEvent(("EMD", "IQBGWA", PostHost.Now.AddMinutes(10))); break;
            case "recorded-by-this-post": body["recordedBy"] = "SY"; break;
            case "item-not-between-these-posts": body["destination"] = "JO"; break;
            case "item-unknown-at-its-origin": body["itemId"] = "EE000000080SY"; break;
            case "event-not-last-of-history": body["event"] = Entry("EMF", "IQBGWA", at); break;
            case "no-history": body["history"] = new JsonArray(); break;
            case "bad-office": body = IraqEvent(("EMD", "iq-bgwa", at)); break;
            case "not-json": break;
            case "another-topic": topic = "JO/GOV/POST/ems/item-events"; break;
            case "client-of-another-post": client = "SY/GOV/POST/ems"; break;
            case "too-large": body["padding"] = new string('x', 20_000); break;
            default: throw new ArgumentOutOfRangeException(nameof(change));
        }

        var bytes = change == "not-json" ? Encoding.UTF8.GetBytes("{\"itemId\": ") : Bytes(body);
        var (answered, problem) = await PostPair.DeliverAsync(_posts.Syria, bytes, client, topic);

        Assert.Equal(status, answered);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(["EMA", "EMB", "EMC"], Codes(await TrackAsync(_posts.Syria)));
        Assert.Equal(1, (await _posts.Syria.GetAsync("/items")).Body.GetProperty("count").GetInt32());
    }

    private static JsonObject IraqEvent(params (string Code, string Office, DateTimeOffset Time)[] history) => new()
    {
        ["itemId"] = Item,
        ["origin"] = "SY",
        ["destination"] = "IQ",
        ["recordedBy"] = "IQ",
        ["event"] = Entry(history[^1].Code, history[^1].Office, history[^1].Time),
        ["history"] = new JsonArray([.. history.Select(e => (JsonNode)Entry(e.Code, e.Office, e.Time))]),
    };

    private static JsonObject Entry(string code, string office, DateTimeOffset time) => new() { ["code"] = code, ["office"] = office, ["time"] = time };

    private static byte[] Bytes(JsonObject body) => Encoding.UTF8.GetBytes(body.ToJsonString());
}

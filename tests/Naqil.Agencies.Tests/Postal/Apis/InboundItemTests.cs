using System.Text.Json;
using Naqil.Agencies.Postal;

namespace Naqil.Agencies.Tests.Postal.Apis;

/// <summary>Iraq's post with an item Syria's post sent: EMD at an office of exchange, then delivery.</summary>
public sealed class InboundItemTests : IAsyncLifetime
{
    private const string Item = "EE123456785SY";
    private PostHost _iraq = null!;

    private static DateTimeOffset Arrived => PostHost.Now.AddDays(-3);

    public async ValueTask InitializeAsync() => _iraq = await PostHost.StartAsync(Posts.Iraq);

    public async ValueTask DisposeAsync() => await _iraq.DisposeAsync();

    private Task<(int Status, JsonElement Body)> RecordAsync(string code, string office, DateTimeOffset time) =>
        _iraq.PostAsync($"/items/{Item}/events", new { code, office, time });

    [Fact]
    public async Task ItemFromAbroad_ArrivesWithEmd_ThroughCustoms_ToDelivery()
    {
        var (accepted, item) = await _iraq.PostAsync("/items", new { itemId = Item, office = "IQBGWA", time = Arrived });
        Assert.Equal(201, accepted);
        Assert.Equal("EMD", item.GetProperty("events")[0].GetProperty("code").GetString());

        Assert.Equal(201, (await RecordAsync("EME", "IQBGWA", Arrived.AddHours(2))).Status);
        Assert.Equal(201, (await RecordAsync("EMF", "IQBGWA", Arrived.AddHours(30))).Status);
        Assert.Equal(201, (await RecordAsync("EMG", "IQBGWK", Arrived.AddHours(40))).Status);
        Assert.Equal(201, (await RecordAsync("EMH", "IQBGWK", Arrived.AddHours(41))).Status);
        Assert.Equal(201, (await RecordAsync("EMI", "IQBGWK", Arrived.AddHours(65))).Status);
        Assert.Equal(409, (await RecordAsync("EMH", "IQBGWK", Arrived.AddHours(66))).Status);

        var (status, tracked) = await _iraq.GetAsync($"/items/{Item}");
        Assert.Equal(200, status);
        Assert.Equal("delivered", tracked.GetProperty("status").GetString());
        Assert.Equal("SY", tracked.GetProperty("origin").GetString());
        Assert.Equal(["EMD", "EME", "EMF", "EMG", "EMH", "EMI"], tracked.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task ItemFromAbroad_AcceptedAtACounter_IsRefused()
    {
        var (status, problem) = await _iraq.PostAsync("/items", new { itemId = Item, office = "IQBGWK", time = Arrived });

        Assert.Equal(422, status);
        Assert.Equal("not-an-office-of-exchange", problem.GetProperty("code").GetString());
        Assert.Equal(404, (await _iraq.GetAsync($"/items/{Item}")).Status);
    }

    [Fact]
    public async Task OriginEvent_AtTheDestinationPost_IsRefused()
    {
        await _iraq.PostAsync("/items", new { itemId = Item, office = "IQBGWA", time = Arrived });

        var (status, problem) = await RecordAsync("EMC", "IQBGWA", Arrived.AddHours(1));

        Assert.Equal(422, status);
        Assert.Equal("wrong-post", problem.GetProperty("code").GetString());
    }
}

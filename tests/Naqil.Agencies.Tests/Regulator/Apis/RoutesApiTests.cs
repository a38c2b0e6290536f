using System.Text.Json;

namespace Naqil.Agencies.Tests.Regulator.Apis;

/// <summary>International links and the route table on a real host, on each store.</summary>
public abstract class RoutesApiTests(StoreKind kind) : IAsyncLifetime
{
    private RegulatorHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await RegulatorHost.StartAsync(kind);
        await PutLinkAsync("UGARIT", "submarine-cable", 100, 40);
        await PutLinkAsync("TR-LAND", "land-fibre", 200, 60);
        await PutLinkAsync("IQ-LAND", "land-fibre", 100, 81);
        Assert.Equal(200, (await _host.PutAsync("/routes/357", RegulatorHost.Staff, new { links = new[] { "UGARIT", "TR-LAND" } })).Status);
        Assert.Equal(200, (await _host.PutAsync("/routes/44", RegulatorHost.Staff, new { links = new[] { "UGARIT" } })).Status);
        Assert.Equal(200, (await _host.PutAsync("/routes/964", RegulatorHost.Staff, new { links = new[] { "IQ-LAND", "TR-LAND" } })).Status);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private async Task PutLinkAsync(string id, string kind, double capacity, double used) =>
        Assert.Equal(201, (await _host.PutAsync($"/links/{id}", RegulatorHost.Staff,
            new { name = id + " link", kind, @operator = "SYTEL", capacityGbps = capacity, usedGbps = used, landingPoints = new[] { "Tartus", "Elsewhere" }, status = "up" })).Status);

    [Fact]
    public async Task LinkDown_EveryDestinationItServed_FailsOver_AndOneLeftWithNoRouteIsReported()
    {
        _host.Time.Advance(TimeSpan.FromHours(1));
        var (status, change) = await _host.PostAsync("/links/UGARIT/status", RegulatorHost.Staff, new { status = "down" });

        Assert.Equal(200, status);
        var failovers = change.GetProperty("failovers").EnumerateArray().ToList();
        Assert.Equal(["+357", "+44"], failovers.Select(f => f.GetProperty("destination").GetString()));
        Assert.Equal("TR-LAND", failovers[0].GetProperty("to").GetString());
        Assert.Equal(JsonValueKind.Null, failovers[1].GetProperty("to").ValueKind);
        Assert.Equal(["+44"], change.GetProperty("unrouted").EnumerateArray().Select(u => u.GetString()));

        var (_, cyprus) = await _host.GetAsync("/routes/+357%2022%20123456");
        Assert.Equal("+357", cyprus.GetProperty("destination").GetString());
        Assert.Equal("TR-LAND", cyprus.GetProperty("activeLink").GetString());
        Assert.Equal([false, true], cyprus.GetProperty("routes").EnumerateArray().Select(r => r.GetProperty("active").GetBoolean()));
        var recorded = cyprus.GetProperty("changes").EnumerateArray().First();
        Assert.Equal("UGARIT", recorded.GetProperty("from").GetString());
        Assert.Equal(RegulatorHost.Start.AddHours(1), recorded.GetProperty("at").GetDateTimeOffset());
        var (_, table) = await _host.GetAsync("/routes");
        Assert.Equal(["+44"], table.GetProperty("unrouted").EnumerateArray().Select(u => u.GetString()));
        Assert.False(table.GetProperty("destinations").EnumerateArray().Single(d => d.GetProperty("destination").GetString() == "+44").GetProperty("reachable").GetBoolean());
    }

    [Fact]
    public async Task LinkBackUp_DestinationsReturnToTheirPreferredRoute()
    {
        await _host.PostAsync("/links/UGARIT/status", RegulatorHost.Staff, new { status = "down" });
        var (_, change) = await _host.PostAsync("/links/UGARIT/status", RegulatorHost.Staff, new { status = "up" });

        Assert.Equal([("TR-LAND", "UGARIT"), (null, "UGARIT")], change.GetProperty("failovers").EnumerateArray().Select(f => (f.GetProperty("from").GetString(), f.GetProperty("to").GetString())));
        Assert.Empty(change.GetProperty("unrouted").EnumerateArray());
        // Three when the table was set, two when UGARIT went down, two when it came back.
        Assert.Equal(7, (await _host.GetAsync("/route-changes")).Body.GetArrayLength());
    }

    [Fact]
    public async Task LinkDegraded_StillCarriesItsDestinations()
    {
        var (_, change) = await _host.PostAsync("/links/UGARIT/status", RegulatorHost.Staff, new { status = "degraded" });

        Assert.Empty(change.GetProperty("failovers").EnumerateArray());
        Assert.Equal("UGARIT", (await _host.GetAsync("/routes/44")).Body.GetProperty("activeLink").GetString());
    }

    [Fact]
    public async Task Utilisation_AboveEightyPercent_RaisesAnAlarm()
    {
        var (_, links) = await _host.GetAsync("/links");
        Assert.Equal(["IQ-LAND"], links.GetProperty("alarms").EnumerateArray().Select(a => a.GetProperty("link").GetString()));
        Assert.Equal(0.81, links.GetProperty("links").EnumerateArray().Single(l => l.GetProperty("id").GetString() == "IQ-LAND").GetProperty("utilisation").GetDouble());

        await _host.PostAsync("/links/UGARIT/status", RegulatorHost.Staff, new { status = "up", usedGbps = 80 });
        Assert.DoesNotContain("UGARIT", (await _host.GetAsync("/links")).Body.GetProperty("alarms").EnumerateArray().Select(a => a.GetProperty("link").GetString()));
        await _host.PostAsync("/links/UGARIT/status", RegulatorHost.Staff, new { status = "up", usedGbps = 80.5 });
        Assert.Contains("UGARIT", (await _host.GetAsync("/links")).Body.GetProperty("alarms").EnumerateArray().Select(a => a.GetProperty("link").GetString()));
    }

    [Fact]
    public async Task Route_LongestPrefixWins()
    {
        Assert.Equal(200, (await _host.PutAsync("/routes/96477", RegulatorHost.Staff, new { links = new[] { "TR-LAND" } })).Status);

        Assert.Equal("+96477", (await _host.GetAsync("/routes/009647701234567")).Body.GetProperty("destination").GetString());
        Assert.Equal("+964", (await _host.GetAsync("/routes/+9647801234567")).Body.GetProperty("destination").GetString());
    }

    [Theory]
    [InlineData("/routes/+962", 404, "unknown-destination", "+357")]
    [InlineData("/routes/+999", 422, "unknown-country-code", "no assigned country code")]
    [InlineData("/routes/0944", 400, "malformed-number", "international")]
    [InlineData("/routes/9a64", 400, "malformed-number", "is a letter")]
    public async Task Route_BadDestination_IsAProblem(string path, int status, string code, string detail) =>
        RegulatorHost.AssertProblem(await _host.GetAsync(path), status, code, detail);

    [Fact]
    public async Task Changes_AreTheRegulatorsOnly_AndBadOnesStoreNothing()
    {
        RegulatorHost.AssertProblem(await _host.PostAsync("/links/UGARIT/status", RegulatorHost.Mtn, new { status = "down" }), 403, "not-permitted");
        RegulatorHost.AssertProblem(await _host.PostAsync("/links/NOPE/status", RegulatorHost.Staff, new { status = "down" }), 422, "unknown-link", "UGARIT");
        RegulatorHost.AssertProblem(await _host.PostAsync("/links/UGARIT/status", RegulatorHost.Staff, new { status = "broken" }), 400, "malformed-request");
        RegulatorHost.AssertProblem(await _host.PutAsync("/routes/357", RegulatorHost.Staff, new { links = new[] { "UGARIT", "NOPE" } }), 422, "unknown-link", "NOPE");
        RegulatorHost.AssertProblem(await _host.PutAsync("/routes/999", RegulatorHost.Staff, new { links = new[] { "UGARIT" } }), 422, "unknown-country-code");
        RegulatorHost.AssertProblem(await _host.PutAsync("/links/X", RegulatorHost.Staff, new { name = "x", kind = "pigeon" }), 400, "malformed-request", "id must be");

        Assert.Equal("UGARIT", (await _host.GetAsync("/routes/357")).Body.GetProperty("activeLink").GetString());
        Assert.Equal(2, (await _host.GetAsync("/routes/357")).Body.GetProperty("routes").GetArrayLength());
        Assert.Equal(3, (await _host.GetAsync("/route-changes")).Body.GetArrayLength());
    }
}

public sealed class SqliteRoutesApiTests() : RoutesApiTests(StoreKind.Sqlite);

public sealed class PostgresRoutesApiTests() : RoutesApiTests(StoreKind.Postgres);

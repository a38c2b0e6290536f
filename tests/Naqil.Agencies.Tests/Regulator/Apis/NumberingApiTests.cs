using System.Text.Json;

namespace Naqil.Agencies.Tests.Regulator.Apis;

/// <summary>The plan's API on a real host, on each store.</summary>
public abstract class NumberingApiTests(StoreKind kind) : IAsyncLifetime
{
    private RegulatorHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await RegulatorHost.StartAsync(kind);

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private static string[] Prefixes(JsonElement list) => [.. list.GetProperty("blocks").EnumerateArray().Select(b => b.GetProperty("prefix").GetString()!)];

    [Fact]
    public async Task Block_WalksItsWholeLifecycle_EachChangeDatedInItsHistory()
    {
        Assert.Equal(201, (await _host.PostAsync("/blocks", RegulatorHost.Staff, new { prefix = "94", nsnLength = 9, type = "mobile" })).Status);
        var steps = new (string State, string? Operator)[] { ("reserved", "MTN"), ("allocated", null), ("withdrawn", null), ("quarantine", null), ("free", null) };
        foreach (var (state, op) in steps)
        {
            _host.Time.Advance(TimeSpan.FromDays(1));
            var (status, block) = await _host.PostAsync("/blocks/94/state", RegulatorHost.Staff, new { state, @operator = op });
            Assert.Equal(200, status);
            Assert.Equal(state, block.GetProperty("state").GetString());
        }

        var (_, detail) = await _host.GetAsync("/blocks/94");
        var history = detail.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(["free", "reserved", "allocated", "withdrawn", "quarantine", "free"], history.Select(h => h.GetProperty("to").GetString()));
        Assert.Equal([null, "free", "reserved", "allocated", "withdrawn", "quarantine"], history.Select(h => h.GetProperty("from").GetString()));
        Assert.Equal("MTN", history[2].GetProperty("operator").GetString());
        Assert.Equal(RegulatorHost.Start.AddDays(3), history[3].GetProperty("at").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, detail.GetProperty("block").GetProperty("operator").ValueKind);
    }

    [Theory]
    [InlineData("free", "allocated", "may become reserved")]
    [InlineData("allocated", "free", "may become withdrawn")]
    [InlineData("allocated", "quarantine", "may become withdrawn")]
    [InlineData("withdrawn", "allocated", "may become quarantine")]
    public async Task Block_TransitionNotAllowed_IsRefusedAndNothingStored(string from, string to, string detail)
    {
        await _host.PostAsync("/blocks", RegulatorHost.Staff, new { prefix = "95", nsnLength = 9, type = "mobile" });
        foreach (var (state, op) in new (string, string?)[] { ("reserved", "MTN"), ("allocated", null), ("withdrawn", null) })
        {
            if (from == "free" || (from == "allocated" && state == "withdrawn") || (from == "withdrawn" && state == "quarantine"))
            {
                break;
            }

            await _host.PostAsync("/blocks/95/state", RegulatorHost.Staff, new { state, @operator = op });
        }

        var (_, before) = await _host.GetAsync("/blocks/95");

        RegulatorHost.AssertProblem(await _host.PostAsync("/blocks/95/state", RegulatorHost.Staff, new { state = to, @operator = "MTN" }), 409, "transition-not-allowed", detail);
        var (_, after) = await _host.GetAsync("/blocks/95");
        Assert.Equal(from, after.GetProperty("block").GetProperty("state").GetString());
        Assert.Equal(before.GetProperty("history").GetArrayLength(), after.GetProperty("history").GetArrayLength());
    }

    [Theory]
    [InlineData("9", "94")]
    [InlineData("944", "94")]
    [InlineData("94", "94")]
    public async Task Block_OverlappingOrNested_IsRefusedNamingTheOther(string prefix, string other)
    {
        await _host.PostAsync("/blocks", RegulatorHost.Staff, new { prefix = "94", nsnLength = 9, type = "mobile" });

        RegulatorHost.AssertProblem(await _host.PostAsync("/blocks", RegulatorHost.Staff, new { prefix, nsnLength = 9, type = "mobile" }), 409, "block-overlaps", $"overlaps block {other}");
        var (_, list) = await _host.GetAsync("/blocks");
        Assert.Equal(["94"], Prefixes(list));
    }

    [Fact]
    public async Task Block_Siblings_DoNotOverlap()
    {
        Assert.Equal(201, (await _host.PostAsync("/blocks", RegulatorHost.Staff, new { prefix = "94", nsnLength = 9, type = "mobile" })).Status);
        Assert.Equal(201, (await _host.PostAsync("/blocks", RegulatorHost.Staff, new { prefix = "95", nsnLength = 9, type = "mobile" })).Status);
        Assert.Equal(201, (await _host.PostAsync("/blocks", RegulatorHost.Staff, new { prefix = "114", nsnLength = 9, type = "geographic-fixed", area = "Damascus" })).Status);
    }

    [Theory]
    [InlineData("{\"prefix\": \"09\", \"nsnLength\": 9, \"type\": \"mobile\"}", "trunk 0")]
    [InlineData("{\"prefix\": \"9a\", \"nsnLength\": 9, \"type\": \"mobile\"}", "ASCII digits")]
    [InlineData("{\"prefix\": \"94\", \"nsnLength\": 9, \"type\": \"cellular\"}", "type must be one of")]
    [InlineData("{\"prefix\": \"94\", \"nsnLength\": 2, \"type\": \"mobile\"}", "nsnLength must be longer")]
    [InlineData("{\"prefix\": \"94\", \"nsnLength\": 14, \"type\": \"mobile\"}", "at most 15 digits")]
    [InlineData("{\"prefix\": \"114\", \"nsnLength\": 9, \"type\": \"geographic-fixed\"}", "needs its area")]
    [InlineData("{\"prefix\": \"114\", \"nsnLength\": 9, \"type\": \"geographic-fixed\", \"area\": \"Gotham\"}", "needs its area")]
    [InlineData("{\"prefix\": \"94\", \"nsnLength\": 9, \"type\": \"mobile\", \"area\": \"Damascus\"}", "only geographic")]
    [InlineData("{\"prefix\": \"1122\", \"nsnLength\": 3, \"type\": \"short-code\"}", "short code")]
    [InlineData("not json", "send a JSON body")]
    public async Task Block_Malformed_IsRefusedAndNothingStored(string json, string detail)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");

        RegulatorHost.AssertProblem(await _host.PostAsync("/blocks", RegulatorHost.Staff, content), 400, "malformed-request", detail);
        var (_, list) = await _host.GetAsync("/blocks");
        Assert.Empty(Prefixes(list));
    }

    [Fact]
    public async Task Reservation_Released_IsFreeAgain_AndAllocationGoesOnlyToTheOperatorItWasReservedFor()
    {
        await _host.PostAsync("/blocks", RegulatorHost.Staff, new { prefix = "92", nsnLength = 9, type = "mobile" });
        await _host.PostAsync("/blocks/92/state", RegulatorHost.Staff, new { state = "reserved", @operator = "WAFA" });

        RegulatorHost.AssertProblem(await _host.PostAsync("/blocks/92/state", RegulatorHost.Staff, new { state = "allocated", @operator = "MTN" }), 409, "transition-not-allowed", "reserved for WAFA");
        RegulatorHost.AssertProblem(await _host.PostAsync("/blocks/92/state", RegulatorHost.Staff, new { state = "reserved" }), 409, "transition-not-allowed", "may become allocated or free");
        var (status, released) = await _host.PostAsync("/blocks/92/state", RegulatorHost.Staff, new { state = "free", note = "licence lapsed" });

        Assert.Equal(200, status);
        Assert.Equal(JsonValueKind.Null, released.GetProperty("operator").ValueKind);
        var history = (await _host.GetAsync("/blocks/92")).Body.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(["free", "reserved", "free"], history.Select(h => h.GetProperty("to").GetString()));
        Assert.Equal("licence lapsed", history[2].GetProperty("note").GetString());
        Assert.Equal("reserved", (await _host.PostAsync("/blocks/92/state", RegulatorHost.Staff, new { state = "reserved", @operator = "MTN" })).Body.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Allocation_ToAnUnknownOperator_IsRefusedAndNothingStored()
    {
        await _host.PostAsync("/blocks", RegulatorHost.Staff, new { prefix = "92", nsnLength = 9, type = "mobile" });

        RegulatorHost.AssertProblem(await _host.PostAsync("/blocks/92/state", RegulatorHost.Staff, new { state = "reserved", @operator = "ACME" }), 422, "unknown-operator", "SYTEL, SYRIATEL, MTN, WAFA");
        var (_, block) = await _host.GetAsync("/blocks/92");
        Assert.Equal("free", block.GetProperty("block").GetProperty("state").GetString());
        Assert.Equal(1, block.GetProperty("history").GetArrayLength());
    }

    [Fact]
    public async Task Plan_IsTheRegulatorsToChange_NotAnOperatorsNorAnAnonymousCallers()
    {
        RegulatorHost.AssertProblem(await _host.PostAsync("/blocks", RegulatorHost.Mtn, new { prefix = "94", nsnLength = 9, type = "mobile" }), 403, "not-permitted", "SY/COM/MTN/np is not a subsystem of SY/GOV/SYTPRA");
        RegulatorHost.AssertProblem(await _host.PostAsync("/blocks", null, new { prefix = "94", nsnLength = 9, type = "mobile" }), 401, "client-required");
        RegulatorHost.AssertProblem(await _host.PostAsync("/blocks", "IQ/GOV/CMC/settlement", new { prefix = "94", nsnLength = 9, type = "mobile" }), 403, "not-permitted");
        var (_, list) = await _host.GetAsync("/blocks");
        Assert.Empty(Prefixes(list));
    }

    [Fact]
    public async Task Lookup_OverHttp_AnswersFromThePlanAsItChanges()
    {
        await _host.AllocateAsync("94", "MTN");

        var (status, number) = await _host.GetAsync("/numbers/0944%20123%20456");
        Assert.Equal(200, status);
        Assert.Equal("+963944123456", number.GetProperty("e164").GetString());
        Assert.Equal("+963 944 123 456", number.GetProperty("international").GetString());
        Assert.Equal("mobile", number.GetProperty("type").GetString());
        Assert.Equal("MTN", number.GetProperty("servingOperator").GetString());

        await _host.PostAsync("/blocks/94/state", RegulatorHost.Staff, new { state = "withdrawn" });
        var (_, withdrawn) = await _host.GetAsync("/numbers/+963944123456");
        Assert.Equal("withdrawn", withdrawn.GetProperty("blockState").GetString());
        Assert.Equal(JsonValueKind.Null, withdrawn.GetProperty("servingOperator").ValueKind);
    }

    [Theory]
    [InlineData("0944abc456", 400, "malformed-number", "is a letter")]
    [InlineData("%2B999123456", 422, "unknown-country-code", "no assigned country code")]
    [InlineData("0944%E0%A5%AA23", 400, "malformed-number", "U+096A")]
    public async Task Lookup_OverHttp_BadInput_IsAProblem(string path, int status, string code, string detail) =>
        RegulatorHost.AssertProblem(await _host.GetAsync($"/numbers/{path}"), status, code, detail);

    [Fact]
    public async Task Lookup_TwoHundredCharacters_IsAProblemNotACrash() =>
        RegulatorHost.AssertProblem(await _host.GetAsync($"/numbers/{new string('٩', 200)}"), 400, "malformed-number", "200 characters");

    [Fact]
    public async Task Service_NamedByTheGateway_AnswersOnlyItsOwnPaths()
    {
        Assert.Equal(200, (await _host.GetAsync("/links", service: "SY/GOV/SYTPRA/registers/routes")).Status);
        RegulatorHost.AssertProblem(await _host.GetAsync("/blocks", service: "SY/GOV/SYTPRA/registers/routes"), 404, "wrong-service");
        Assert.Equal(200, (await _host.GetAsync("/blocks", service: "SY/GOV/SYTPRA/registers/numbering")).Status);
    }
}

public sealed class SqliteNumberingApiTests() : NumberingApiTests(StoreKind.Sqlite);

public sealed class PostgresNumberingApiTests() : NumberingApiTests(StoreKind.Postgres);

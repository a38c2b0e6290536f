using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Naqil.EndToEnd.Tests.Sandbox;

/// <summary>
/// Syrian Post and Iraqi Post in the sandbox, as real processes' users see them: an EMS item
/// posted in Damascus, dispatched, and delivered in Baghdad, each post recording its own side
/// through its operator API and receiving the other's as signed events over the federated bus,
/// until both hold the whole history.
/// </summary>
public sealed class PostalExchangeTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("naqil-postal-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sandbox_ItemPostedInDamascus_DispatchedAndDeliveredInBaghdad_BothPostsEndWithTheWholeHistory()
    {
        var portBase = Ports.FreeBase(100);
        await using var sandbox = NaqilProcess.Start(_work.FullName, "sandbox", "--no-timer", "--port-base", portBase.ToString(CultureInfo.InvariantCulture));
        Assert.True(await sandbox.WaitForAsync(() => sandbox.Output.Contains("Press Ctrl+C", StringComparison.Ordinal), StartTimeout), sandbox.Output);
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_work.FullName, ".naqil", "sandbox.json"), Ct));
        var backends = manifest.RootElement.GetProperty("backends");
        var syPost = backends.GetProperty("sy-post-ems").GetString()!;
        var iqPost = backends.GetProperty("iq-post-ems").GetString()!;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var item = S10("EE", 71000000 + (portBase % 100000), "SY");
        var start = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(3)).AddHours(-20);
        string At(int hours) => start.AddHours(hours).ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);

        // Damascus: posted at Mazzeh, through the exchange office, dispatched to Iraq.
        await ExpectAsync(http.PostAsJsonAsync($"{syPost}/items", new { itemId = item, destination = "IQ", office = "SYDAMZ", time = At(0) }, Ct), HttpStatusCode.Created);
        await ExpectAsync(http.PostAsJsonAsync($"{syPost}/items/{item}/events", new { code = "EMB", office = "SYDAMA", time = At(2) }, Ct), HttpStatusCode.Created);
        await ExpectAsync(http.PostAsJsonAsync($"{syPost}/items/{item}/events", new { code = "EMC", office = "SYDAMA", time = At(4) }, Ct), HttpStatusCode.Created);

        // Baghdad learns of it only from the event Syria's post published.
        var arrived = await UntilAsync(http, $"{iqPost}/items/{item}", codes => codes.Contains("EMC"), "Iraqi Post received the item's EMC");
        Assert.Equal(["EMA", "EMB", "EMC"], arrived.Select(e => e.Code));
        Assert.All(arrived, e => Assert.Equal("SY", e.RecordedBy));

        // Baghdad: arrival at the exchange, to the Karrada office, delivered.
        await ExpectAsync(http.PostAsJsonAsync($"{iqPost}/items/{item}/events", new { code = "EMD", office = "IQBGWA", time = At(10) }, Ct), HttpStatusCode.Created);
        await ExpectAsync(http.PostAsJsonAsync($"{iqPost}/items/{item}/events", new { code = "EMF", office = "IQBGWA", time = At(12) }, Ct), HttpStatusCode.Created);
        await ExpectAsync(http.PostAsJsonAsync($"{iqPost}/items/{item}/events", new { code = "EMG", office = "IQBGWK", time = At(15) }, Ct), HttpStatusCode.Created);
        await ExpectAsync(http.PostAsJsonAsync($"{iqPost}/items/{item}/events", new { code = "EMI", office = "IQBGWK", time = At(17) }, Ct), HttpStatusCode.Created);

        var atDamascus = await UntilAsync(http, $"{syPost}/items/{item}", codes => codes.Contains("EMI"), "Syrian Post received the final delivery");
        var atBaghdad = await UntilAsync(http, $"{iqPost}/items/{item}", codes => codes.Contains("EMI"), "Iraqi Post holds the final delivery");
        string[] whole = ["EMA", "EMB", "EMC", "EMD", "EMF", "EMG", "EMI"];
        Assert.Equal(whole, atDamascus.Select(e => e.Code));
        Assert.Equal(atBaghdad, atDamascus);
        Assert.Equal(["SY", "SY", "SY", "IQ", "IQ", "IQ", "IQ"], atDamascus.Select(e => e.RecordedBy));

        // Carried as events by both gateways: each delivered what its post published.
        foreach (var (member, topic) in new[] { ("SY/GOV/POST", "SY/GOV/POST/ems/item-events"), ("IQ/GOV/POST", "IQ/GOV/POST/ems/item-events") })
        {
            var gateway = manifest.RootElement.GetProperty("gateways").GetProperty(member);
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{gateway.GetProperty("consumer").GetString()}/admin/v1/events/subscriptions");
            request.Headers.Authorization = new("Bearer", (await File.ReadAllTextAsync(gateway.GetProperty("adminTokenFile").GetString()!, Ct)).Trim());
            using var response = await http.SendAsync(request, Ct);
            using var state = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
            var outbound = Assert.Single(state.RootElement.GetProperty("outbound").EnumerateArray(), s => s.GetProperty("topic").GetString() == topic);
            Assert.True(outbound.GetProperty("delivered").GetInt64() >= (member == "SY/GOV/POST" ? 1 : 4), $"{member} delivered {outbound}");
            Assert.Equal((0, 0), (outbound.GetProperty("pending").GetInt32(), outbound.GetProperty("dead").GetInt32()));
        }

        sandbox.Signal("INT");
        Assert.Equal(0, await sandbox.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    private static async Task ExpectAsync(Task<HttpResponseMessage> call, HttpStatusCode status)
    {
        using var response = await call;
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
    }

    /// <summary>Reads the item at a post until its history satisfies <paramref name="condition"/> (events travel on their own), then returns it.</summary>
    private static async Task<List<Event>> UntilAsync(HttpClient http, string url, Func<List<string>, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await http.GetAsync(url, Ct);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var item = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
                var events = item.RootElement.GetProperty("events").EnumerateArray()
                    .Select(e => new Event(e.GetProperty("code").GetString()!, e.GetProperty("office").GetString()!, e.GetProperty("time").GetString()!, e.GetProperty("recordedBy").GetString()!))
                    .ToList();
                if (condition([.. events.Select(e => e.Code)]))
                {
                    return events;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what} ({url}: {response.StatusCode})");
            await Task.Delay(100, Ct);
        }
    }

    /// <summary>A UPU S10 id with its check digit (weights 8 6 4 2 3 5 9 7, mod 11).</summary>
    private static string S10(string service, int serial, string country)
    {
        var digits = serial.ToString("D8", CultureInfo.InvariantCulture);
        int[] weights = [8, 6, 4, 2, 3, 5, 9, 7];
        var check = 11 - (digits.Select((d, i) => (d - '0') * weights[i]).Sum() % 11);
        return $"{service}{digits}{(check == 10 ? 0 : check == 11 ? 5 : check)}{country}";
    }

    private sealed record Event(string Code, string Office, string Time, string RecordedBy);

    public void Dispose()
    {
        try
        {
            _work.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

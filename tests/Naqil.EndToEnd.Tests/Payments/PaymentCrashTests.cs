using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Naqil.Tests.Shared;

namespace Naqil.EndToEnd.Tests.Payments;

/// <summary>
/// A capture is all or nothing: the real <c>naqil payments</c> process is killed (SIGKILL) while
/// clients capture intents; after a restart every intent is either captured with exactly one
/// balanced capture entry or still authorised with none, every acknowledged capture is there, a
/// retry with the same idempotency key finishes the ones cut off, and the ledger balances. On
/// SQLite, and on PostgreSQL when <c>NAQIL_TEST_POSTGRES</c> names a server.
/// </summary>
public sealed class PaymentCrashTests : IDisposable
{
    private const int Intents = 240;
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("naqil-pay-crash-");

    [Fact]
    public Task Sigkill_DuringCaptures_OnSqlite_EachIntentIsCapturedWholeOrNotAtAll() =>
        CrashAndCheckAsync(new { Storage = "sqlite", DatabaseFile = Path.Combine(_work.FullName, "payments.db") });

    [Fact]
    public async Task Sigkill_DuringCaptures_OnPostgres_EachIntentIsCapturedWholeOrNotAtAll()
    {
        var database = $"naqil_pay_crash_{Guid.NewGuid():N}";
        var connectionString = await TestPostgres.CreateDatabaseAsync(database);
        try
        {
            await CrashAndCheckAsync(new { Storage = "postgresql", ConnectionString = connectionString });
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(database);
        }
    }

    private async Task CrashAndCheckAsync(object storage)
    {
        var port = Ports.FreeBase(1);
        var url = $"http://127.0.0.1:{port}";
        var config = Path.Combine(_work.FullName, "payments.json");
        var settings = JsonSerializer.SerializeToNode(storage)!.AsObject();
        settings["Url"] = url;
        settings["SyntheticCitizens"] = true;
        settings["InFlightLease"] = "00:00:01";
        settings["Payees"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["Id"] = "SY/GOV/CIVREG/fees", ["Name"] = "fees" });
        await File.WriteAllTextAsync(config, new System.Text.Json.Nodes.JsonObject { ["Payments"] = settings }.ToJsonString(), TestContext.Current.CancellationToken);

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(20) };
        var ids = new List<string>();
        var keys = new ConcurrentDictionary<string, string>();
        var acknowledged = new ConcurrentBag<string>();
        await using (var service = await StartAsync(config))
        {
            for (var i = 0; i < Intents; i++)
            {
                var (status, body) = await PostAsync(http, "/intents", Guid.NewGuid().ToString("D"), new
                {
                    amount = "10.00",
                    payeeAccount = "SY/GOV/CIVREG/fees",
                    payerNationalId = $"0101{i % 60 + 1:D7}",
                    reference = $"crash-{i}",
                    description = new { ar = "رسم", en = "Fee" },
                }, CancellationToken.None);
                Assert.True(status == HttpStatusCode.Created, body.ToString());
                var id = body.GetProperty("id").GetString()!;
                Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, $"/intents/{id}/authorise", Guid.NewGuid().ToString("D"), null, CancellationToken.None)).Status);
                ids.Add(id);
            }

            // Captures from 8 clients, one key per intent; killed once a good share is acknowledged.
            var queue = new ConcurrentQueue<string>(ids);
            using var stop = new CancellationTokenSource();
            var clients = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested && queue.TryDequeue(out var id))
                {
                    var key = keys[id] = $"capture-{id}";
                    try
                    {
                        if ((await PostAsync(http, $"/intents/{id}/capture", key, null, stop.Token)).Status == HttpStatusCode.OK)
                        {
                            acknowledged.Add(id);
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
                    {
                        return; // the process is gone: this capture was never acknowledged
                    }
                }
            })).ToArray();
            Assert.True(await service.WaitForAsync(() => acknowledged.Count >= Intents / 4, TimeSpan.FromSeconds(60)), $"only {acknowledged.Count} captures were acknowledged");
            service.Signal("KILL");
            await service.WaitForExitAsync(TimeSpan.FromSeconds(30));
            await stop.CancelAsync();
            await Task.WhenAll(clients);
        }

        Assert.True(acknowledged.Count < Intents, "every capture finished before the kill: the test saw no crash in the middle");
        await using (var again = await StartAsync(config))
        {
            var captured = 0;
            foreach (var id in ids)
            {
                var (state, captures) = await StateAsync(http, id);
                Assert.True(state == "captured" ? captures == 1 : state == "authorised" && captures == 0, $"intent {id} is {state} with {captures} capture entries");
                Assert.True(state == "captured" || !acknowledged.Contains(id), $"intent {id} was acknowledged captured but is {state}");
                captured += state == "captured" ? 1 : 0;
            }

            Assert.True(captured >= acknowledged.Count);
            await AssertBalancedAsync(http);

            // A client that got no answer retries with its key: the capture finishes once, and only once.
            foreach (var (id, key) in keys)
            {
                var status = await RetryAsync(http, $"/intents/{id}/capture", key);
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.Equal(("captured", 1), await StateAsync(http, id));
            }

            await AssertBalancedAsync(http);
            again.Signal("INT");
            Assert.Equal(0, await again.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }
    }

    private async Task<NaqilProcess> StartAsync(string config)
    {
        var process = NaqilProcess.Start(_work.FullName, "payments", "--config", config);
        Assert.True(await process.WaitForAsync(() => process.Output.Contains("listening on", StringComparison.Ordinal), TimeSpan.FromSeconds(60)), process.Output);
        return process;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient http, string path, string key, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Retries while the key's first call (cut off by the kill) holds its lease of a second.</summary>
    private static async Task<HttpStatusCode> RetryAsync(HttpClient http, string path, string key)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var (status, body) = await PostAsync(http, path, key, null, CancellationToken.None);
            if (status != HttpStatusCode.Conflict || body.GetProperty("code").GetString() != "idempotency-key-in-flight" || DateTime.UtcNow > deadline)
            {
                Assert.True(status == HttpStatusCode.OK, $"{path}: {status} {body}");
                return status;
            }

            await Task.Delay(100);
        }
    }

    private static async Task<(string State, int Captures)> StateAsync(HttpClient http, string id)
    {
        var intent = await http.GetFromJsonAsync<JsonElement>($"/intents/{id}");
        var entries = await http.GetFromJsonAsync<JsonElement>($"/intents/{id}/entries");
        foreach (var entry in entries.GetProperty("entries").EnumerateArray())
        {
            Assert.Equal(0, entry.GetProperty("postings").EnumerateArray().Sum(p => p.GetProperty("amount").GetProperty("minor").GetInt64()));
        }

        return (intent.GetProperty("state").GetString()!, entries.GetProperty("entries").EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "capture"));
    }

    private static async Task AssertBalancedAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/ledger/check");
        var check = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK && check.Contains("\"balanced\":true", StringComparison.Ordinal), check);
    }

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

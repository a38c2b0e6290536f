using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Naqil.LoadHarness.Processes;
using Naqil.LoadHarness.Targets;

namespace Naqil.LoadHarness.Load;

/// <summary>
/// Payments through the bus, set beside the exchange: captures per second of authorised intents
/// through a Naqil pair's gateways to <c>naqil payments</c> (its ledger on the harness's PostgreSQL),
/// and the same pair's GET exchange rate measured with the same client, connections and duration
/// just before and just after. The ledger is checked after the run.
/// </summary>
internal static class PaymentLoad
{
    /// <summary>The payment service as the provider side's member offers it (its subsystem <c>payments</c>).</summary>
    public const string Service = "SY/GOV/CIVREG/payments/intents";

    public const string Subsystem = "SY/GOV/CIVREG/payments";

    public const string Payee = "SY/GOV/CIVREG/fees";

    private const int WarmUpCaptures = 500;

    /// <summary>The payment service, its ledger on <paramref name="postgres"/> (a database of its own) or, without one, on SQLite.</summary>
    public static async Task<(string Url, ChildProcess Process, string Ledger)> StartServiceAsync(Workspace workspace, string naqil, PostgresServer? postgres)
    {
        var folder = workspace.Folder("payments");
        var url = $"http://127.0.0.1:{Workspace.FreePort()}";
        object storage = postgres is null
            ? new { Storage = "sqlite", DatabaseFile = Path.Combine(folder, "payments.db") }
            : new { Storage = "postgresql", ConnectionString = await postgres.CreateDatabaseAsync("payments") };
        var settings = JsonSerializer.SerializeToNode(storage)!.AsObject();
        settings["Url"] = url;
        settings["SyntheticCitizens"] = true;
        settings["FeeBasisPoints"] = 50;
        settings["Payees"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["Id"] = Payee, ["Name"] = "fees (load harness)" });
        var config = Path.Combine(folder, "payments.json");
        await File.WriteAllTextAsync(config, new System.Text.Json.Nodes.JsonObject { ["Payments"] = settings }.ToJsonString());
        var process = workspace.StartDotnet("payments", naqil, ["payments", "--config", config]);
        await Workspace.WaitHealthyAsync(process, $"{url}/ledger/check", TimeSpan.FromSeconds(60));
        return (url, process, postgres is null ? "SQLite" : postgres.Version.Split(" (")[0]);
    }

    /// <summary>
    /// GET exchanges, then captures of a pool of intents authorised beforehand (directly on the
    /// service), then GET exchanges again; then the ledger check. Both loads are warmed up first
    /// (JIT, connection pools), unmeasured, once <paramref name="settle"/> has written out what the
    /// preparation left to the disk.
    /// </summary>
    public static async Task<PaymentRow> RunAsync(Target target, string paymentsUrl, string ledger, int connections, TimeSpan duration, int pool, Func<Task> settle)
    {
        using var http = HttpLoad.Client(connections);
        var intents = await AuthorisedPoolAsync(http, paymentsUrl, pool + WarmUpCaptures);
        await settle();
        // As long as a measurement: the gateways' JIT reaches its last tier on the exchange's path (a shorter warm-up left the first GET run at half the second's rate).
        await ExchangeRateAsync(http, target.Url(Paths.NaqilGet), connections, duration);
        await CaptureAsync(http, target, new System.Collections.Concurrent.ConcurrentQueue<string>(intents[..WarmUpCaptures]), connections, duration, new LatencyHistogram());
        var before = await ExchangeRateAsync(http, target.Url(Paths.NaqilGet), connections, duration);

        var queue = new System.Collections.Concurrent.ConcurrentQueue<string>(intents[WarmUpCaptures..]);
        var latency = new LatencyHistogram();
        var (captured, refused, failed, seconds) = await CaptureAsync(http, target, queue, connections, duration, latency);
        var after = await ExchangeRateAsync(http, target.Url(Paths.NaqilGet), connections, duration);

        using var check = await http.GetAsync($"{paymentsUrl}/ledger/check");
        var checkText = await check.Content.ReadAsStringAsync();
        var exchange = (before + after) / 2;
        var perSecond = captured / seconds;
        return new PaymentRow(target.Name, ledger, connections, seconds, pool, queue.IsEmpty, captured, perSecond, refused, failed, latency.Summary(), before, after,
            exchange > 0 ? perSecond / exchange : null, check.StatusCode == HttpStatusCode.OK && checkText.Contains("\"balanced\":true", StringComparison.Ordinal), checkText);
    }

    /// <summary>Captures the queued intents through the target's gateways on <paramref name="connections"/> connections until the queue or the time runs out.</summary>
    private static async Task<(long Captured, long Refused, long Failed, double Seconds)> CaptureAsync(HttpClient http, Target target,
        System.Collections.Concurrent.ConcurrentQueue<string> queue, int connections, TimeSpan duration, LatencyHistogram latency)
    {
        long captured = 0, refused = 0, failed = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration && queue.TryDequeue(out var id))
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, target.Url($"/r1/{Service}/intents/{id}/capture")) { Version = HttpVersion.Version11 };
                request.Headers.TryAddWithoutValidation("Naqil-Client", Paths.Client);
                request.Headers.TryAddWithoutValidation("Naqil-Purpose", "fee-payment");
                request.Headers.TryAddWithoutValidation("Idempotency-Key", $"capture-{id}");
                var start = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.SendAsync(request);
                    await response.Content.LoadIntoBufferAsync();
                    latency.Record(HttpLoad.Micros(Stopwatch.GetTimestamp() - start));
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref captured);
                    }
                    else
                    {
                        Interlocked.Increment(ref (int)response.StatusCode < 500 ? ref refused : ref failed);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        })));
        return (captured, refused, failed, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Intents of 100.00 SYP (a fee of 0.50 at 50 basis points) from the sandbox's 60 citizens, created and authorised directly on the service (not measured).</summary>
    private static async Task<List<string>> AuthorisedPoolAsync(HttpClient http, string paymentsUrl, int pool)
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < pool; i = Interlocked.Increment(ref next))
            {
                var body = $"{{\"amount\":\"100.00\",\"payeeAccount\":\"{Payee}\",\"payerNationalId\":\"0101{i % 60 + 1:D7}\",\"reference\":\"load-{i}\",\"description\":{{\"ar\":\"رسم\",\"en\":\"Fee\"}}}}";
                var created = await PostAsync(http, $"{paymentsUrl}/intents", body);
                var id = JsonDocument.Parse(created).RootElement.GetProperty("id").GetString()!;
                await PostAsync(http, $"{paymentsUrl}/intents/{id}/authorise", null);
                ids.Add(id);
            }
        })));
        return [.. ids.Order(StringComparer.Ordinal)];
    }

    private static async Task<string> PostAsync(HttpClient http, string url, string? body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Headers.TryAddWithoutValidation("Idempotency-Key", Guid.NewGuid().ToString("D"));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? text : throw new HarnessException($"the payment service refused the load's preparation ({(int)response.StatusCode}): {text}");
    }

    /// <summary>GET exchanges per second through the same gateways, with the same client and connections.</summary>
    private static async Task<double> ExchangeRateAsync(HttpClient http, string url, int connections, TimeSpan duration)
    {
        long ok = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                using var request = HttpLoad.Request(url, null);
                try
                {
                    using var response = await http.SendAsync(request);
                    await response.Content.LoadIntoBufferAsync();
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref ok);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                }
            }
        })));
        return ok / clock.Elapsed.TotalSeconds;
    }
}

/// <summary>
/// One Naqil target's payment phase: captures through its gateways, the exchange's GET rate
/// before and after with the same client, their ratio, and the ledger's check after the run.
/// </summary>
internal sealed record PaymentRow(string Target, string Ledger, int Connections, double Seconds, int Pool, bool PoolExhausted, long Captured, double CapturesPerSecond,
    long Refused, long Failed, LatencySummary CaptureUs, double ExchangeGetPerSecondBefore, double ExchangeGetPerSecondAfter, double? RatioToExchange, bool LedgerBalanced, string LedgerCheck);

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Naqil.Agencies.Payments;
using Naqil.Agencies.Payments.Apis;
using Naqil.Agencies.Payments.Storage;

namespace Naqil.Agencies.Tests.Payments;

/// <summary>
/// The payment service on a real Kestrel host on 127.0.0.1, its store as the options say (a SQLite
/// file or a PostgreSQL database), its clock a fake; synthetic citizens and the civil registry's
/// fee account opened.
/// </summary>
internal sealed class PaymentHost : IAsyncDisposable
{
    public const string Payee = "SY/GOV/CIVREG/fees";
    public const string Payer = "01010000001";

    private readonly WebApplication _app;

    private PaymentHost(WebApplication app, FakeTimeProvider time)
    {
        _app = app;
        Time = time;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri(address) };
    }

    public static DateTimeOffset Now { get; } = new(2026, 12, 8, 9, 0, 0, TimeSpan.Zero);

    public HttpClient Client { get; }

    public FakeTimeProvider Time { get; }

    public IPaymentStore Store => _app.Services.GetRequiredService<IPaymentStore>();

    public static PaymentsOptions Options(string storage, string location) => new()
    {
        Storage = storage,
        DatabaseFile = storage == "sqlite" ? location : "",
        ConnectionString = storage == "postgresql" ? location : "",
        SyntheticCitizens = true,
        SyntheticBalanceMinor = 50_000_00,
        FeeBasisPoints = 50,
        Payees = [new PayeeAccountOptions { Id = Payee, Name = "Civil Registry fees" }, new PayeeAccountOptions { Id = "SY/GOV/CIVREG/fees-usd", Name = "USD fees", Currency = "USD" }],
    };

    public static async Task<PaymentHost> StartAsync(PaymentsOptions options)
    {
        var time = new FakeTimeProvider(Now);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddPayments(options);
        var app = builder.Build();
        await app.Services.GetRequiredService<PaymentService>().InitializeAsync(TestContext.Current.CancellationToken);
        app.MapPaymentsApi();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new PaymentHost(app, time);
    }

    /// <summary>A POST with an idempotency key (a new one when not given) and a JSON body (none when null).</summary>
    public async Task<(int Status, JsonElement Body, HttpResponseMessage Response)> PostAsync(string path, object? body, string? key = null, string? naqilId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative));
        request.Headers.Add(PaymentsApi.IdempotencyKeyHeader, key ?? Guid.NewGuid().ToString("D"));
        if (naqilId is not null)
        {
            request.Headers.Add("Naqil-Id", naqilId);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        var response = await Client.SendAsync(request, TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, await ReadAsync(response), response);
    }

    public async Task<(int Status, JsonElement Body)> GetAsync(string path)
    {
        using var response = await Client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, await ReadAsync(response));
    }

    /// <summary>A new intent for the example payer and payee, its id.</summary>
    public async Task<string> CreateIntentAsync(string amount = "1500.00", string payer = Payer)
    {
        var (status, body, _) = await PostAsync("/intents", Intent(amount, payer));
        Assert.True(status == 201, body.ToString());
        return body.GetProperty("id").GetString()!;
    }

    /// <summary>A new intent, authorised and captured; its id.</summary>
    public async Task<string> CapturedIntentAsync(string amount = "1500.00")
    {
        var id = await CreateIntentAsync(amount);
        Assert.Equal(200, (await PostAsync($"/intents/{id}/authorise", null)).Status);
        Assert.Equal(200, (await PostAsync($"/intents/{id}/capture", null)).Status);
        return id;
    }

    public static Dictionary<string, object> Intent(object amount, string payer = Payer) => new()
    {
        ["amount"] = amount,
        ["payeeAccount"] = Payee,
        ["payerNationalId"] = payer,
        ["reference"] = "extract-0001",
        ["description"] = new Dictionary<string, string> { ["ar"] = "رسم إخراج قيد", ["en"] = "Civil record extract fee" },
    };

    public async Task<long> BalanceAsync(string account) => (await GetAsync($"/accounts/{account}")).Body.GetProperty("balance").GetProperty("minor").GetInt64();

    public async Task AssertLedgerBalancedAsync()
    {
        var (status, check) = await GetAsync("/ledger/check");
        Assert.True(status == 200 && check.GetProperty("balanced").GetBoolean(), check.ToString());
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Naqil.Agencies.Regulator;
using Naqil.Agencies.Regulator.Apis;
using Naqil.Agencies.Regulator.Settlement;
using Naqil.Tests.Shared;

namespace Naqil.Agencies.Tests.Regulator;

/// <summary>Which store a regulator under test keeps its registers in: a SQLite file of its own, or a PostgreSQL database of its own.</summary>
public enum StoreKind
{
    Sqlite,
    Postgres,
}

/// <summary>
/// One regulator's API on a real Kestrel host on 127.0.0.1, its clock a fake, its store a fresh
/// SQLite file or PostgreSQL database. Calls name their caller with <c>Naqil-Client</c>, as the
/// provider gateway forwards it.
/// </summary>
internal sealed class RegulatorHost : IAsyncDisposable
{
    public const string Staff = "SY/GOV/SYTPRA/staff";
    public const string Syriatel = "SY/COM/SYRIATEL/np";
    public const string Mtn = "SY/COM/MTN/np";
    public const string Wafa = "SY/COM/WAFA/np";

    private readonly WebApplication _app;
    private readonly TempDirectory _directory;
    private readonly string? _database;

    private RegulatorHost(WebApplication app, TempDirectory directory, string? database, FakeTimeProvider time)
    {
        _app = app;
        _directory = directory;
        _database = database;
        Time = time;
        Client = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
    }

    public static DateTimeOffset Start { get; } = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    public HttpClient Client { get; }

    public FakeTimeProvider Time { get; }

    public IServiceProvider Services => _app.Services;

    public RegulatorService Regulator => _app.Services.GetRequiredService<RegulatorService>();

    public static async Task<RegulatorHost> StartAsync(StoreKind kind, RegulatorProfile? profile = null, SettlementExchangeOptions? exchange = null, bool seed = false)
    {
        var directory = new TempDirectory();
        string? database = null;
        var storage = new RegulatorStorageOptions { DatabaseFile = Path.Combine(directory.Path, "regulator.db") };
        if (kind == StoreKind.Postgres)
        {
            database = $"naqil_regulator_{Guid.NewGuid():N}";
            storage = new RegulatorStorageOptions { Storage = "postgresql", ConnectionString = await TestPostgres.CreateDatabaseAsync(database) };
        }

        var time = new FakeTimeProvider(Start);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddRegulator(profile ?? Regulators.Syria, storage, exchange);
        var app = builder.Build();
        var regulator = app.Services.GetRequiredService<RegulatorService>();
        await regulator.InitializeAsync(TestContext.Current.CancellationToken);
        if (seed)
        {
            await SyntheticRegister.SeedAsync(regulator, TestContext.Current.CancellationToken);
        }

        app.MapRegulatorApi();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new RegulatorHost(app, directory, database, time);
    }

    public Task<(int Status, JsonElement Body)> GetAsync(string path, string? client = null, string? service = null) => SendAsync(HttpMethod.Get, path, client, null, service);

    public Task<(int Status, JsonElement Body)> PostAsync(string path, string? client, object? body) => SendAsync(HttpMethod.Post, path, client, body);

    public Task<(int Status, JsonElement Body)> PutAsync(string path, string? client, object? body) => SendAsync(HttpMethod.Put, path, client, body);

    public async Task<(int Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? client, object? body, string? service = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (client is not null)
        {
            request.Headers.Add("Naqil-Client", client);
        }

        if (service is not null)
        {
            request.Headers.Add("Naqil-Service", service);
        }

        if (body is not null)
        {
            request.Content = body as HttpContent ?? JsonContent.Create(body);
        }

        using var response = await Client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Adds a block and walks it to allocated for <paramref name="op"/>.</summary>
    public async Task AllocateAsync(string prefix, string op, int nsnLength = 9, string type = "mobile", string? area = null)
    {
        Assert.Equal(201, (await PostAsync("/blocks", Staff, new { prefix, nsnLength, type, area })).Status);
        Assert.Equal(200, (await PostAsync($"/blocks/{prefix}/state", Staff, new { state = "reserved", @operator = op })).Status);
        Assert.Equal(200, (await PostAsync($"/blocks/{prefix}/state", Staff, new { state = "allocated" })).Status);
    }

    public static void AssertProblem((int Status, JsonElement Body) answer, int status, string code, string? detail = null)
    {
        Assert.True(answer.Status == status, $"expected {status} {code}, got {answer.Status}: {answer.Body}");
        Assert.Equal(code, answer.Body.GetProperty("code").GetString());
        if (detail is not null)
        {
            Assert.Contains(detail, answer.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _directory.Dispose();
        if (_database is not null)
        {
            await TestPostgres.DropDatabaseAsync(_database);
        }
    }
}

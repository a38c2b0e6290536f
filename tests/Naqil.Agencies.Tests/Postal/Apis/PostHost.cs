using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Naqil.Agencies.Postal;
using Naqil.Agencies.Postal.Apis;
using Naqil.Agencies.Postal.Exchange;
using Naqil.Agencies.Postal.Storage;

namespace Naqil.Agencies.Tests.Postal.Apis;

/// <summary>
/// One post's API on a real Kestrel host on 127.0.0.1, its store a SQLite file of its own (or one
/// given, to start the post again on its data), its clock a fake.
/// </summary>
internal sealed class PostHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDirectory? _ownDirectory;

    private PostHost(WebApplication app, TempDirectory? ownDirectory, FakeTimeProvider time)
    {
        _app = app;
        _ownDirectory = ownDirectory;
        Time = time;
        Client = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
    }

    /// <summary>The day the tests run on, in Damascus and Baghdad time.</summary>
    public static DateTimeOffset Now { get; } = new(2026, 11, 10, 12, 0, 0, TimeSpan.FromHours(3));

    public HttpClient Client { get; }

    public FakeTimeProvider Time { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The publisher, when the post was started with a gateway.</summary>
    public PostalPublisher Publisher => _app.Services.GetRequiredService<PostalPublisher>();

    public IPostalStore Store => _app.Services.GetRequiredService<IPostalStore>();

    public static async Task<PostHost> StartAsync(Post post, PostalExchangeOptions? exchange = null, TempDirectory? directory = null)
    {
        var own = directory is null ? new TempDirectory() : null;
        var time = new FakeTimeProvider(Now);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddPostal(post, new PostalStorageOptions { DatabaseFile = Path.Combine((directory ?? own)!.Path, "postal.db") }, exchange);
        var app = builder.Build();
        await app.Services.GetRequiredService<PostalService>().InitializeAsync(TestContext.Current.CancellationToken);
        app.MapPostalApi();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new PostHost(app, own, time);
    }

    public async Task<(int Status, JsonElement Body)> PostAsync(string path, object body)
    {
        using var response = await Client.PostAsJsonAsync(path, body, TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, await ReadAsync(response));
    }

    public async Task<(int Status, JsonElement Body)> GetAsync(string path)
    {
        using var response = await Client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, await ReadAsync(response));
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _ownDirectory?.Dispose();
    }
}

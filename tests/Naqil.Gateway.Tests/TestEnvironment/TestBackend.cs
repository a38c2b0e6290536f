using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Naqil.Gateway.Tests.TestEnvironment;

/// <summary>A service backend that counts its calls and remembers what reached it.</summary>
internal sealed class TestBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _calls;

    private TestBackend(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public int Calls => Volatile.Read(ref _calls);

    public ConcurrentQueue<IHeaderDictionary> ReceivedHeaders { get; } = new();

    public static async Task<TestBackend> StartAsync()
    {
        var builder = KestrelHost.CreateBuilder();
        var app = builder.Build();
        var backend = new TestBackend(app);
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref backend._calls);
            backend.ReceivedHeaders.Enqueue(new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase)));
            await next(context);
        });
        app.MapGet("/persons/{id}", (string id) => Results.Json(new { nationalId = id, givenName = "أحمد", familyName = "الحلبي" }));
        app.MapGet("/items/{id}", (string id) => Results.Json(new { item = id, status = "delivered", office = "بغداد" }));
        app.MapPost("/persons/search", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            return Results.Text($"{{\"echo\":{body}}}", "application/json");
        });
        // Answers only when the caller gives up: a backend that is too slow, without the test sleeping.
        app.MapGet("/slow", async (HttpContext context) =>
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return Results.Ok();
        });
        app.MapPost("/count", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            return Results.Json(new { bytes = buffer.Length });
        });
        app.MapGet("/not-found", () => Results.Problem("no such thing", statusCode: 404));
        await app.StartAsync();
        backend.Url = KestrelHost.Address(app);
        return backend;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

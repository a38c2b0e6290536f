using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Naqil.Gateway.Tests.TestEnvironment;

/// <summary>A service backend that counts its calls and remembers what reached it.</summary>
internal sealed class TestBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _calls;
    private int _gateArrivals;

    private TestBackend(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public int Calls => Volatile.Read(ref _calls);

    public ConcurrentQueue<IHeaderDictionary> ReceivedHeaders { get; } = new();

    /// <summary>Requests to <c>/gate</c> wait until it opens; <see cref="GateArrivals"/> counts them.</summary>
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int GateArrivals => Volatile.Read(ref _gateArrivals);

    /// <summary>Each connection a <c>/gate</c> request came on.</summary>
    public ConcurrentDictionary<string, int> GateConnections { get; } = new();

    /// <summary>Completes when this many requests have arrived at <c>/gate</c>.</summary>
    public TaskCompletionSource ArrivedAtGate { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int ArrivalsToSignal { get; set; } = int.MaxValue;

    /// <summary>Events posted to <c>/events</c> and acknowledged, in the order they arrived.</summary>
    public ConcurrentQueue<ReceivedEvent> Events { get; } = new();

    /// <summary>Every post to <c>/events</c>, answered or not, by event id.</summary>
    public ConcurrentQueue<string> EventAttempts { get; } = new();

    /// <summary>The status <c>/events</c> answers for an event id; 204 (acknowledged) unless set.</summary>
    public Func<string, int> EventStatus { get; set; } = _ => 204;

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
        app.MapGet("/gate", async (HttpContext context) =>
        {
            backend.GateConnections.AddOrUpdate(context.Connection.Id, 1, (_, n) => n + 1);
            if (Interlocked.Increment(ref backend._gateArrivals) >= backend.ArrivalsToSignal)
            {
                backend.ArrivedAtGate.TrySetResult();
            }

            await backend.Gate.Task.WaitAsync(context.RequestAborted);
            return Results.Json(new { opened = true });
        });
        app.MapPost("/count", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            return Results.Json(new { bytes = buffer.Length });
        });
        app.MapPost("/events", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var id = request.Headers["Naqil-Id"].ToString();
            backend.EventAttempts.Enqueue(id);
            var status = backend.EventStatus(id);
            if (status is >= 200 and < 300)
            {
                backend.Events.Enqueue(new ReceivedEvent(id, new HeaderDictionary(request.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase)), buffer.ToArray()));
            }

            return status is >= 400 ? Results.Problem($"event {id} refused by the test", statusCode: status) : Results.StatusCode(status);
        });
        app.MapGet("/not-found", () => Results.Problem("no such thing", statusCode: 404));
        await app.StartAsync();
        backend.Url = KestrelHost.Address(app);
        return backend;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>An event as the subscriber's backend received it.</summary>
internal sealed record ReceivedEvent(string Id, IHeaderDictionary Headers, byte[] Body);

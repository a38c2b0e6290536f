using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Naqil.Cli.Tests.Events;

/// <summary>One request as the stub received it.</summary>
internal sealed record RecordedRequest(string Method, string PathAndQuery, string Authorization, string? ContentType, string Body);

/// <summary>
/// A Kestrel host on loopback that answers the gateway's four events admin routes the way
/// <c>Naqil.Gateway/Apis/EventsAdminApi.cs</c> does (bearer token, problem+json refusals with
/// <c>Naqil-Error</c>, the limit and event-id checks) with canned bodies, and records every request.
/// Anything else is a plain 404, as a gateway without these routes answers.
/// </summary>
internal sealed class StubGateway : IAsyncDisposable
{
    public const string Token = "stub-admin-token-5f0e9c2a7b3d4e61";

    private readonly WebApplication _app;

    private StubGateway(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public string SubscriptionsJson { get; set; } = """{"outbound":[],"inbound":[]}""";

    public string DeadLettersJson { get; set; } = "[]";

    public int Redelivered { get; set; }

    public static async Task<StubGateway> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var stub = new StubGateway(builder.Build());
        stub.Map();
        await stub._app.StartAsync(cancellationToken);
        stub.Url = stub._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return stub;
    }

    private void Map()
    {
        _app.Use(async (context, next) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            Requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString,
                context.Request.Headers.Authorization.ToString(), context.Request.ContentType, body));
            context.Items["body"] = body;
            if (!context.Request.Path.StartsWithSegments("/admin/v1"))
            {
                context.Response.StatusCode = 404;
                return;
            }

            if (context.Request.Headers.Authorization.ToString() != $"Bearer {Token}")
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await ProblemAsync(context, 401, "unauthorized", "send Authorization: Bearer <the gateway's admin token>");
                return;
            }

            await next(context);
        });
        _app.MapGet("/admin/v1/events/subscriptions", () => Results.Text(SubscriptionsJson, "application/json"));
        _app.MapGet("/admin/v1/events/dead-letters", async (HttpContext context, int? limit) =>
        {
            if (limit is < 1 or > 1000)
            {
                await ProblemAsync(context, 400, "bad-request", "limit must be 1 to 1000");
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(DeadLettersJson, context.RequestAborted);
        });
        _app.MapPost("/admin/v1/events/dead-letters/redeliver", async context =>
        {
            using var body = JsonDocument.Parse((string)context.Items["body"]!);
            if (body.RootElement.TryGetProperty("eventId", out var id) && !Guid.TryParseExact(id.GetString(), "D", out _))
            {
                await ProblemAsync(context, 400, "bad-request", "eventId must be a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e");
                return;
            }

            await context.Response.WriteAsJsonAsync(new { redelivered = Redelivered }, context.RequestAborted);
        });
    }

    private static async Task ProblemAsync(HttpContext context, int status, string code, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        context.Response.Headers["Naqil-Error"] = code;
        await context.Response.WriteAsync(JsonSerializer.Serialize(new { type = $"https://naqil.dev/errors/{code}", title = "refused", status, detail, code }), context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

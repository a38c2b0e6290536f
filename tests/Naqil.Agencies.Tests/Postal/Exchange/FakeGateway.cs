using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Naqil.Agencies.Tests.Postal.Exchange;

/// <summary>One <c>POST /e1/{topic}</c> as the fake gateway received it.</summary>
internal sealed record PublishRequest(string Topic, string? Client, string? NaqilId, string? ApiKey, string? ContentType, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);
}

/// <summary>
/// A gateway's consumer face for events, on a real Kestrel host on 127.0.0.1: it records every
/// publication, keeps those it accepts (202) the way the real one does (the same Naqil-Id with the
/// same bytes is 202 again and not kept twice, with other bytes 409 <c>id-reused</c>), and can be
/// told to answer otherwise (503 <c>log-unavailable</c>, …).
/// </summary>
internal sealed class FakeGateway : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly List<PublishRequest> _requests = [];
    private readonly List<PublishRequest> _accepted = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];

    private FakeGateway(WebApplication app)
    {
        _app = app;
        Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public Uri Url { get; }

    /// <summary>What to answer instead of accepting: a status and a Naqil-Error code; null accepts.</summary>
    public Func<PublishRequest, (int Status, string Error)?> Refuse { get; set; } = _ => null;

    public IReadOnlyList<PublishRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The events the gateway took, each once: what the bus delivers to subscribers, in order.</summary>
    public IReadOnlyList<PublishRequest> Accepted
    {
        get
        {
            lock (_lock)
            {
                return [.. _accepted];
            }
        }
    }

    public static async Task<FakeGateway> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FakeGateway? gateway = null;
        app.MapPost("/e1/{**topic}", (string topic, HttpContext context) => gateway!.PublishAsync(topic, context));
        await app.StartAsync(TestContext.Current.CancellationToken);
        gateway = new FakeGateway(app);
        return gateway;
    }

    /// <summary>Returns once <paramref name="count"/> requests have arrived in all; fails the test after 10 seconds.</summary>
    public async Task WaitForRequestsAsync(int count)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_requests.Count >= count)
            {
                return;
            }

            _waiters.Add((count, reached));
        }

        await reached.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    private async Task<IResult> PublishAsync(string topic, HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var headers = context.Request.Headers;
        var request = new PublishRequest(topic, headers["Naqil-Client"].FirstOrDefault(), headers["Naqil-Id"].FirstOrDefault(),
            headers["Naqil-Api-Key"].FirstOrDefault(), context.Request.ContentType, body.ToArray());
        var refusal = Refuse(request);
        IResult answer;
        lock (_lock)
        {
            _requests.Add(request);
            if (refusal is null && _accepted.FirstOrDefault(a => a.NaqilId == request.NaqilId) is { } earlier && !earlier.Body.SequenceEqual(request.Body))
            {
                refusal = (409, "id-reused");
            }

            if (refusal is { } refused)
            {
                answer = Problem(context, refused.Status, refused.Error);
            }
            else
            {
                if (!_accepted.Any(a => a.NaqilId == request.NaqilId))
                {
                    _accepted.Add(request);
                }

                context.Response.Headers["Naqil-Id"] = request.NaqilId;
                answer = Results.StatusCode(202);
            }

            foreach (var waiter in _waiters.Where(w => _requests.Count >= w.Count).ToList())
            {
                waiter.Reached.TrySetResult();
                _waiters.Remove(waiter);
            }
        }

        return answer;
    }

    private static IResult Problem(HttpContext context, int status, string error)
    {
        context.Response.Headers["Naqil-Error"] = error;
        return Results.Problem($"the fake gateway answers {error}", statusCode: status);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}

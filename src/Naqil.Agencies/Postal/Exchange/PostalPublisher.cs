using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Naqil.Agencies.Postal.Storage;

namespace Naqil.Agencies.Postal.Exchange;

/// <summary>What one pass over the pending publications came to.</summary>
internal enum PublishPass
{
    /// <summary>Nothing is pending: each one was published, or refused for good.</summary>
    Drained,

    /// <summary>The gateway (or the store) could not take the oldest pending one now; it waits, and those after it too.</summary>
    Blocked,
}

/// <summary>
/// Sends the post's queued events to its gateway's consumer face (<c>POST /e1/{topic}</c>), oldest
/// first, each with the Naqil-Id and body fixed when it was queued, so a resend after a lost
/// answer or a restart is the same publication to the gateway. A 202 marks it published; a 408,
/// 429, 5xx or no answer leaves it pending and the publisher waits, doubling from
/// <see cref="PostalExchangeOptions.RetryMinimum"/>; any other refusal (409 <c>id-reused</c>, 404
/// <c>unknown-topic</c>, …) marks it failed, logged and listed at <c>GET /publications?state=failed</c>.
/// Woken by <see cref="PublicationSignal"/> when an event is queued. The payment service publishes
/// its captures the same way, from its own queue.
/// </summary>
internal sealed class PostalPublisher : BackgroundService
{
    private const int Batch = 100;

    private readonly IPublicationQueue _store;
    private readonly PostalExchangeOptions _options;
    private readonly PublicationSignal _signal;
    private readonly TimeProvider _time;
    private readonly ILogger<PostalPublisher> _logger;
    private readonly HttpClient _http;
    private readonly Uri _target;

    public PostalPublisher(IPublicationQueue store, PostalExchangeOptions options, PublicationSignal signal, TimeProvider time, ILogger<PostalPublisher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _options = options;
        _signal = signal;
        _time = time;
        _logger = logger;
        var gateway = options.GatewayUrl ?? throw new InvalidOperationException("the postal publisher needs PostalExchangeOptions.GatewayUrl");
        // The topic's slashes are path segments of /e1/{topic}, as the gateway reads them.
        _target = new Uri($"{gateway.GetLeftPart(UriPartial.Path).TrimEnd('/')}/e1/{options.Topic}");
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = options.RequestTimeout };
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(stoppingToken);

    /// <summary>Publishes until cancelled: a pass, then a wait for the next queued event (or the backoff, when blocked).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var blocked = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                PublishPass pass;
                try
                {
                    pass = await PublishPendingAsync(cancellationToken);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    // The post's own store failed: the events are safe in it, and the next pass resumes.
                    Log.PublicationsUnavailable(_logger, e.Message, Backoff(blocked + 1));
                    pass = PublishPass.Blocked;
                }

                if (pass == PublishPass.Drained)
                {
                    blocked = 0;
                    await _signal.WaitAsync(_options.PollInterval, _time, cancellationToken);
                }
                else
                {
                    await Task.Delay(Backoff(++blocked), _time, cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>The wait after the <paramref name="blocked"/>th pass in a row that could not publish.</summary>
    public TimeSpan Backoff(int blocked) =>
        TimeSpan.FromTicks(Math.Min(_options.RetryMaximum.Ticks, _options.RetryMinimum.Ticks * (1L << Math.Clamp(blocked - 1, 0, 30))));

    /// <summary>Sends the pending publications oldest first, until none is left or one cannot be sent now.</summary>
    public async Task<PublishPass> PublishPendingAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var pending = await _store.PendingPublicationsAsync(Batch, cancellationToken);
            if (pending.Count == 0)
            {
                return PublishPass.Drained;
            }

            foreach (var publication in pending)
            {
                var (state, reason) = await SendAsync(publication, cancellationToken);
                // Not cancelled by a shutdown: the gateway has answered, and a resend would only cost a round trip.
                await _store.UpdatePublicationAsync(publication.Seq, state, reason, _time.GetUtcNow(), CancellationToken.None);
                switch (state)
                {
                    case PublicationState.Published:
                        Log.Published(_logger, publication.Code, publication.ItemId, _options.Topic, publication.NaqilId);
                        break;
                    case PublicationState.Failed:
                        Log.PublishFailed(_logger, publication.Code, publication.ItemId, publication.NaqilId, reason!);
                        break;
                    default:
                        Log.PublishDeferred(_logger, publication.Code, publication.ItemId, publication.NaqilId, publication.Attempts + 1, reason!);
                        return PublishPass.Blocked;
                }
            }
        }
    }

    private async Task<(PublicationState State, string? Reason)> SendAsync(Publication publication, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _target);
        request.Headers.Add("Naqil-Client", _options.Publisher);
        request.Headers.Add("Naqil-Id", publication.NaqilId);
        if (_options.ApiKey is { } key)
        {
            request.Headers.Add("Naqil-Api-Key", key);
        }

        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(publication.Body));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return (PublicationState.Published, null);
            }

            var reason = await DescribeAsync(response, cancellationToken);
            var status = (int)response.StatusCode;
            var later = status is >= 500 or (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or < 400;
            return (later ? PublicationState.Pending : PublicationState.Failed, reason);
        }
        catch (HttpRequestException e)
        {
            return (PublicationState.Pending, $"the gateway at {_target.GetLeftPart(UriPartial.Authority)} did not answer: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (PublicationState.Pending, $"the gateway did not answer within {_options.RequestTimeout.TotalSeconds:F0} s");
        }
    }

    /// <summary>The status, the gateway's <c>Naqil-Error</c> code and the problem's detail, for the operator.</summary>
    private static async Task<string> DescribeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var code = response.Headers.TryGetValues("Naqil-Error", out var values) ? values.FirstOrDefault() : null;
        string? detail = null;
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (text.Length is > 0 and < 16_384)
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement is { ValueKind: JsonValueKind.Object } problem && problem.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String)
                {
                    detail = d.GetString();
                }
            }
        }
        catch (JsonException)
        {
        }

        var said = string.Join(": ", new[] { code, detail }.Where(s => !string.IsNullOrEmpty(s)));
        var reason = $"{(int)response.StatusCode}{(said.Length > 0 ? " " + said : "")}";
        return reason.Length <= 500 ? reason : reason[..500];
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}

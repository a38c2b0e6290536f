using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Events.Delivery;
using Naqil.Gateway.Forwarding;
using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.Events.Subscriber.Steps;

/// <summary>
/// Posts the delivery's events to the subscription's endpoint one after another, in order: an
/// event the inbox holds already is a <c>duplicate</c> and not posted again; a 2xx acknowledges;
/// a 4xx other than 408 and 429 is the backend refusing it for good (<c>rejected</c>); anything
/// else <c>failed</c>, and the events after it are <c>skipped</c> so that order holds. The
/// deliveries of one subscription are handled one at a time, so a resend racing its original
/// waits for it and finds its events in the inbox.
/// </summary>
internal sealed class DeliverEventsStep(IEventInbox inbox, BackendClient backends, IOptions<GatewayOptions> options, TimeProvider time, ILogger<DeliverEventsStep> logger)
    : IExchangeStep<SubscriberExchange>
{
    private const int MaxDetail = 300;

    private readonly ConcurrentDictionary<(string, string), SemaphoreSlim> _subscriptions = new();
    private readonly TimeSpan _timeout = options.Value.ResponseTimeout;

    public async ValueTask<GatewayProblem?> InvokeAsync(SubscriberExchange exchange)
    {
        var events = exchange.Events!;
        var aborted = exchange.Context.RequestAborted;
        var one = _subscriptions.GetOrAdd((exchange.Service, exchange.Subscriber), _ => new SemaphoreSlim(1, 1));
        await one.WaitAsync(aborted);
        try
        {
            IReadOnlySet<string> delivered;
            try
            {
                delivered = await inbox.DeliveredAsync(exchange.Subscriber, [.. events.Select(e => e.Id)], aborted);
            }
            catch (DbException e)
            {
                Log.InboxWriteFailed(logger, e.Message);
                return new GatewayProblem(GatewayError.LogUnavailable, "the subscriber's gateway cannot read its inbox now; send the delivery again later");
            }

            var results = new List<EventResult>(events.Count);
            var acknowledged = new List<string>(events.Count);
            var started = time.GetTimestamp();
            var stopped = false;
            try
            {
                foreach (var e in events)
                {
                    if (delivered.Contains(e.Id))
                    {
                        results.Add(new EventResult(e.Id, EventOutcome.Duplicate));
                    }
                    else if (stopped || time.GetElapsedTime(started) > _timeout / 2)
                    {
                        // Past half the deadline the rest waits for the next delivery, before the publisher gives up on this one.
                        stopped = true;
                        results.Add(new EventResult(e.Id, EventOutcome.Skipped));
                    }
                    else
                    {
                        var result = await PostAsync(exchange, e, aborted);
                        results.Add(result);
                        if (result.Outcome == EventOutcome.Delivered)
                        {
                            acknowledged.Add(e.Id);
                        }

                        stopped = result.Outcome == EventOutcome.Failed;
                    }
                }
            }
            finally
            {
                // Also when the publisher hung up mid-delivery (the post in progress is cancelled): what the
                // backend acknowledged before is recorded, so the publisher's resend does not post it again.
                await RecordAsync(exchange, acknowledged);
            }

            var headers = new Dictionary<string, string>(StringComparer.Ordinal) { ["content-type"] = "application/json", ["naqil-id"] = exchange.NaqilId! };
            exchange.Answer = new ExchangeAnswer(200, headers, EventBatch.WriteResults(results));
            return null;
        }
        finally
        {
            one.Release();
        }
    }

    private async Task RecordAsync(SubscriberExchange exchange, List<string> acknowledged)
    {
        try
        {
            await inbox.AddAsync(exchange.Subscriber, exchange.Service, exchange.NaqilId!, acknowledged, exchange.Received, CancellationToken.None);
        }
        catch (DbException e)
        {
            // The backend has them: the answer says so, and only a later resend of these (which the publisher does not make) would reach it twice.
            Log.InboxWriteFailed(logger, e.Message);
        }
    }

    private async Task<EventResult> PostAsync(SubscriberExchange exchange, BatchEvent e, CancellationToken aborted)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, exchange.Subscription!.Endpoint) { Content = new ReadOnlyMemoryContent(e.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var headers = request.Headers;
        headers.TryAddWithoutValidation(NaqilHeaders.Id, e.Id);
        headers.TryAddWithoutValidation(NaqilHeaders.Client, exchange.Client);
        headers.TryAddWithoutValidation(NaqilHeaders.Service, exchange.Service);
        headers.TryAddWithoutValidation(NaqilHeaders.Subscriber, exchange.Subscriber);
        headers.TryAddWithoutValidation(NaqilHeaders.Published, e.Published.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        if (exchange.Purpose is { } purpose)
        {
            headers.TryAddWithoutValidation(NaqilHeaders.Purpose, purpose);
        }

        var result = await Forwarder.SendAsync(backends.Invoker, request, _timeout, 64 * 1024, ForwardHop.SubscriberBackend, aborted);
        using var response = result.Response;
        if (result.Problem is { } problem)
        {
            return new EventResult(e.Id, EventOutcome.Failed, null, $"{GatewayErrors.Describe(problem.Error).Code}: {problem.Detail}");
        }

        var status = (int)response!.StatusCode;
        return status switch
        {
            >= 200 and < 300 => new EventResult(e.Id, EventOutcome.Delivered, status),
            >= 400 and < 500 and not 408 and not 429 => new EventResult(e.Id, EventOutcome.Rejected, status, Detail(result.Body!)),
            _ => new EventResult(e.Id, EventOutcome.Failed, status, $"the subscriber's backend answered {status}"),
        };
    }

    /// <summary>The start of the backend's refusal, printable ASCII only: it reaches the publisher's dead letters.</summary>
    private static string Detail(byte[] body)
    {
        var text = System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, MaxDetail));
        return LoggedText.Escape(text);
    }
}

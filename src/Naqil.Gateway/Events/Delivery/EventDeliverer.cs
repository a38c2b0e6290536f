using System.Data.Common;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Naqil.Gateway.AccessControl;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Forwarding;
using Naqil.Gateway.MessageLog;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Signing;
using Naqil.Gateway.Trust;
using Naqil.Identifiers;
using Naqil.Keys;
using Naqil.MessageLog;
using Naqil.Signatures;

namespace Naqil.Gateway.Events.Delivery;

/// <summary>Tells delivery that a subscription has new events, so it need not wait for its next sweep of the outbox.</summary>
internal interface IDeliverySignal
{
    void Notify(string topic, IEnumerable<string> subscribers);
}

/// <summary>
/// The publisher's gateway delivering its outbox (docs/protocol.md section 15). Each subscription
/// (topic, subscriber) is a lane of its own: its events go out in publication order, in batches
/// of consecutive events with the same purpose, one batch at a time, signed (tag
/// <c>naqil-event</c>) over mutual TLS to a gateway of the subscriber's member. A lane whose oldest
/// event fails waits (exponential backoff with jitter) and holds its later events back; other lanes
/// go on. An event still undelivered <see cref="EventDeliveryOptions.DeadLetterAfter"/> after its
/// publication, or refused for good by the subscriber's backend, becomes a dead letter and the lane
/// moves on. Every attempt that reached a gateway is logged (side <c>delivery</c>).
/// </summary>
internal sealed class EventDeliverer : BackgroundService, IDeliverySignal
{
    /// <summary>The log's side for a delivery sent to a subscriber's gateway.</summary>
    public const string DeliverySide = "delivery";

    /// <summary>How often the outbox is read for work no signal announced (after a restart, a redelivery elsewhere).</summary>
    private static readonly TimeSpan Sweep = TimeSpan.FromSeconds(15);

    /// <summary>How often delivered events past their retention are forgotten.</summary>
    private static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    private readonly IEventOutbox _outbox;
    private readonly IEventInbox _inbox;
    private DateTimeOffset _pruned = DateTimeOffset.MinValue;
    private readonly TrustState _trust;
    private readonly AccessControlList _acl;
    private readonly ProviderGatewayClient _gateways;
    private readonly SignedRequestFactory _requests;
    private readonly ExchangeSignatures _signatures;
    private readonly IExchangeLog _log;
    private readonly TimeProvider _time;
    private readonly ILogger<EventDeliverer> _logger;
    private readonly GatewayOptions _options;
    private readonly SemaphoreSlim _concurrency;
    private readonly Dictionary<Subscription, Lane> _lanes = [];
    private readonly Lock _gate = new();
    private CancellationToken _stopping;

    public EventDeliverer(IEventOutbox outbox, IEventInbox inbox, TrustState trust, AccessControlList acl, ProviderGatewayClient gateways, SignedRequestFactory requests,
        ExchangeSignatures signatures, IExchangeLog log, IOptions<GatewayOptions> options, TimeProvider time, ILogger<EventDeliverer> logger)
    {
        _outbox = outbox;
        _inbox = inbox;
        _trust = trust;
        _acl = acl;
        _gateways = gateways;
        _requests = requests;
        _signatures = signatures;
        _log = log;
        _time = time;
        _logger = logger;
        _options = options.Value;
        _concurrency = new SemaphoreSlim(_options.Events.MaxConcurrentSubscriptions);
    }

    /// <summary>Wakes the lanes of <paramref name="topic"/> for <paramref name="subscribers"/>: new events, or dead letters put back.</summary>
    public void Notify(string topic, IEnumerable<string> subscribers)
    {
        foreach (var subscriber in subscribers)
        {
            Wake(new Subscription(topic, subscriber));
        }
    }

    /// <summary>Wakes every lane with pending work (after an operator's redelivery).</summary>
    public async Task NotifyDueAsync(CancellationToken cancellationToken)
    {
        foreach (var due in await _outbox.DueAsync(cancellationToken))
        {
            Wake(due.Subscription);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        using var timer = new PeriodicTimer(Sweep, _time);
        do
        {
            try
            {
                await NotifyDueAsync(stoppingToken);
                await PruneIfDueAsync(stoppingToken);
            }
            catch (DbException e)
            {
                Log.DeliveryStoreFailed(_logger, "outbox", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Once an hour: forgets what was delivered (outbox) and received (inbox) longer ago than <see cref="EventDeliveryOptions.Retention"/>.</summary>
    internal async Task PruneIfDueAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (now - _pruned < PruneInterval)
        {
            return;
        }

        _pruned = now;
        var before = now - _options.Events.Retention;
        var (deliveries, events) = await _outbox.PruneAsync(before, cancellationToken);
        var received = await _inbox.PruneAsync(before, cancellationToken);
        if (deliveries + events + received > 0)
        {
            Log.EventsPruned(_logger, deliveries, events, received, _options.Events.Retention);
        }
    }

    private void Wake(Subscription subscription)
    {
        lock (_gate)
        {
            if (_lanes.TryGetValue(subscription, out var lane))
            {
                lane.Wake();
                return;
            }

            if (_stopping.IsCancellationRequested || _stopping == default)
            {
                // Not started yet: the first sweep finds the work.
                return;
            }

            lane = new Lane();
            _lanes[subscription] = lane;
            lane.Task = Task.Run(() => RunLaneAsync(subscription, lane), CancellationToken.None);
        }
    }

    private async Task RunLaneAsync(Subscription subscription, Lane lane)
    {
        var stopping = _stopping;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                lane.ClearWake();
                var queued = await _outbox.NextAsync(subscription, _options.Events.MaxBatch, stopping);
                if (queued.Count == 0)
                {
                    lock (_gate)
                    {
                        if (!lane.Woken)
                        {
                            _lanes.Remove(subscription);
                            return;
                        }
                    }

                    continue;
                }

                var now = _time.GetUtcNow();
                if (queued[0].NextAttempt > now)
                {
                    // Backing off: new events wait behind the oldest, so nothing wakes the lane early.
                    await Task.Delay(queued[0].NextAttempt - now, _time, stopping);
                    continue;
                }

                var purpose = queued[0].Event.Purpose;
                var batch = queued.TakeWhile(q => q.Event.Purpose == purpose).ToList();
                IReadOnlyList<DeliveryRecord> records;
                await _concurrency.WaitAsync(stopping);
                try
                {
                    records = await DeliverAsync(subscription, batch, stopping);
                }
                finally
                {
                    _concurrency.Release();
                }

                await _outbox.RecordAsync(subscription, records, CancellationToken.None);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (DbException e)
            {
                Log.DeliveryStoreFailed(_logger, subscription.ToString(), e.Message);
                await Task.Delay(_options.Events.RetryDelay, _time, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        lock (_gate)
        {
            _lanes.Remove(subscription);
        }
    }

    /// <summary>Sends one batch and says what became of each event in it; only events with news get a record.</summary>
    private async Task<IReadOnlyList<DeliveryRecord>> DeliverAsync(Subscription subscription, List<QueuedEvent> batch, CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow();
        if (Check(subscription) is { } refusal)
        {
            return refusal.Final
                ? [.. batch.Select(q => Dead(q, $"{refusal.Problem.Detail} ({Code(refusal.Problem)})", started))]
                : [Retry(batch[0], refusal.Problem, started)];
        }

        var (peer, problem) = ChooseGateway(subscription, batch[0].Attempts);
        if (peer is null)
        {
            return [Retry(batch[0], problem!.Value, started)];
        }

        var deliveryId = Guid.CreateVersion7(started).ToString("D");
        var body = EventBatch.Write([.. batch.Select(q => q.Event)]);
        var publisher = batch[0].Event.Publisher;
        var headers = new Dictionary<string, string>(8, StringComparer.Ordinal)
        {
            ["naqil-id"] = deliveryId,
            ["naqil-client"] = publisher,
            ["naqil-service"] = subscription.Topic,
            ["content-type"] = "application/json",
        };
        if (batch[0].Event.Purpose is { } purpose)
        {
            headers["naqil-purpose"] = purpose;
        }

        var path = $"/e1/{subscription.Topic}/{subscription.Subscriber}";
        SignedRequest request;
        try
        {
            request = _requests.Create(peer, HttpMethod.Post, path, "", headers, body, hasContent: true, NaqilHeaders.EventTag);
        }
        catch (SigningUnavailableException e)
        {
            // Nothing was sent: retried later like any failed delivery, never sent unsigned.
            var unsigned = new GatewayProblem(GatewayError.SigningUnavailable, $"this gateway cannot sign the delivery: {e.Message}");
            Log.DeliveryFailed(_logger, subscription.ToString(), Code(unsigned), unsigned.Detail);
            return [Retry(batch[0], unsigned, started)];
        }

        var timeout = _options.ResponseTimeout + _options.ConnectTimeout;
        var result = await Forwarder.SendAsync(_gateways.For(peer), request.Message, timeout, _options.MaxBodyBytes, ForwardHop.SubscriberGateway, cancellationToken);
        using var response = result.Response;
        request.Message.Dispose();
        problem = result.Problem;
        var responseView = response is null ? null : MessageViews.FromIncoming(response);
        if (problem is null)
        {
            problem = _signatures.VerifyResponse(responseView!, request.View, responseView!.GetHeader("signature-input"), responseView.GetHeader("signature"), peer, _options.MaxClockSkew) is { } bad
                ? bad with { Detail = $"{bad.Detail} (the answer was {(int)response!.StatusCode} {responseView.GetHeader("naqil-error")})" }
                : null;
            if (problem is null && (!ContentDigest.Verify(responseView.GetHeader("content-digest"), result.Body!) || responseView.GetHeader("naqil-id") != deliveryId))
            {
                problem = new GatewayProblem(GatewayError.BadResponseSignature, "the subscriber's gateway answered with a body or Naqil-Id its signature does not cover");
            }
        }

        var status = (int?)response?.StatusCode ?? GatewayErrors.Describe(problem!.Value.Error).Status;
        var outcome = problem is { } p ? Code(p) : status == 200 ? "ok" : responseView!.GetHeader("naqil-error") ?? $"status-{status}";
        var logged = await _log.AppendAsync(new LogEntry
        {
            Side = DeliverySide,
            NaqilId = deliveryId,
            Client = publisher,
            Service = subscription.Topic,
            Purpose = batch[0].Event.Purpose,
            Method = "POST",
            Path = "/" + subscription.Subscriber,
            Status = status,
            Outcome = outcome,
            Peer = peer.Id,
            RequestDigest = headers["content-digest"],
            RequestSignatureInput = request.Signature.SignatureInput,
            RequestSignature = request.Signature.Signature,
            ResponseDigest = responseView?.GetHeader("content-digest"),
            ResponseSignatureInput = problem is null ? responseView?.GetHeader("signature-input") : null,
            ResponseSignature = problem is null ? responseView?.GetHeader("signature") : null,
            Received = started,
            Completed = _time.GetUtcNow(),
        }, body, result.Body ?? [], CancellationToken.None);

        if (problem is { } failed)
        {
            Log.DeliveryFailed(_logger, subscription.ToString(), Code(failed), failed.Detail);
            return [Retry(batch[0], failed, started)];
        }

        if (status != 200)
        {
            var code = responseView!.GetHeader("naqil-error") ?? $"status {status}";
            var refused = new GatewayProblem(GatewayError.ProviderUnreachable, $"the subscriber's gateway refused the delivery: {code}");
            Log.DeliveryFailed(_logger, subscription.ToString(), code, refused.Detail);
            return [Retry(batch[0], refused, started, code)];
        }

        if (!logged)
        {
            // Delivered, but without its evidence here: sent again later, the subscriber answers duplicate.
            return [Retry(batch[0], new GatewayProblem(GatewayError.LogUnavailable, "the delivery could not be logged at the publisher's gateway"), started)];
        }

        return Records(batch, EventBatch.ReadResults(result.Body!), deliveryId, started);
    }

    private List<DeliveryRecord> Records(List<QueuedEvent> batch, Dictionary<string, EventResult> results, string deliveryId, DateTimeOffset now)
    {
        var records = new List<DeliveryRecord>(batch.Count);
        foreach (var queued in batch)
        {
            var result = results.GetValueOrDefault(queued.Event.Id);
            switch (result?.Outcome)
            {
                case EventOutcome.Delivered or EventOutcome.Duplicate:
                    records.Add(new DeliveryRecord(queued.Seq, DeliveryState.Delivered, queued.Attempts + 1, now, null, deliveryId, now));
                    continue;
                case EventOutcome.Rejected:
                    records.Add(Dead(queued, $"the subscriber's backend refused it with {result.BackendStatus}: {result.Detail}", now, queued.Attempts + 1));
                    continue;
                default:
                    // The first event not delivered holds the rest back, in order.
                    var detail = result?.Detail ?? "the subscriber's gateway did not report on this event";
                    records.Add(Retry(queued, new GatewayProblem(GatewayError.BackendUnreachable, detail), now));
                    return records;
            }
        }

        return records;
    }

    /// <summary>The publisher's own checks before anything is sent: final ones make dead letters, others wait.</summary>
    private (GatewayProblem Problem, bool Final)? Check(Subscription subscription)
    {
        if (!_trust.TryGetFresh(out var own))
        {
            return (new GatewayProblem(GatewayError.ConfigExpired, "this gateway holds no fresh trust configuration; delivery resumes once one is fetched"), false);
        }

        if (!own.TryGetTopic(subscription.Topic, out _))
        {
            return (new GatewayProblem(GatewayError.UnknownTopic, $"{subscription.Topic} is no longer a topic in the trust configuration"), true);
        }

        if (!own.SubscribersOf(subscription.Topic).Any(s => s.ToString() == subscription.Subscriber))
        {
            return (new GatewayProblem(GatewayError.NotSubscribed, $"{subscription.Subscriber} is no longer subscribed to {subscription.Topic} in the registry"), true);
        }

        if (!_acl.IsAllowed(subscription.Topic, subscription.Subscriber, "POST", "/"))
        {
            return (new GatewayProblem(GatewayError.AccessDenied,
                $"the publisher's access rules do not let {subscription.Subscriber} receive {subscription.Topic}; add a rule for that topic and client, then redeliver the dead letters"), true);
        }

        return null;
    }

    /// <summary>
    /// One of the subscriber member's gateways: the same one for a subscription while deliveries
    /// succeed (each gateway keeps its own inbox, so a resend to another could reach the backend
    /// twice), the next one after each failed attempt.
    /// </summary>
    private (PeerGateway? Peer, GatewayProblem? Problem) ChooseGateway(Subscription subscription, int failedAttempts)
    {
        var subscriber = SubsystemId.Parse(subscription.Subscriber);
        var instance = subscriber.Member.Instance;
        TrustSnapshot? counterpart;
        if (instance == _trust.OwnInstance)
        {
            _trust.TryGetFresh(out counterpart);
        }
        else
        {
            switch (_trust.Check(instance, out counterpart))
            {
                case TrustCheck.NotAllowed:
                    return (null, new GatewayProblem(GatewayError.FederationNotAllowed, $"traffic with {instance} is not allowed by this gateway (Gateway:AllowedPartners) or its registry"));
                case TrustCheck.Expired:
                    return (null, new GatewayProblem(GatewayError.ConfigExpired, $"this gateway holds no fresh trust configuration of {instance}"));
            }
        }

        var gateways = counterpart!.GatewaysOf(subscriber.Member);
        return gateways.Count == 0
            ? (null, new GatewayProblem(GatewayError.ProviderUnreachable, $"no gateway is registered for {subscriber.Member}"))
            : (gateways[(int)((uint)(StableHash(subscription) + failedAttempts) % (uint)gateways.Count)], null);
    }

    /// <summary>A hash that is the same in every process (string.GetHashCode is randomised per process).</summary>
    private static int StableHash(Subscription subscription)
    {
        Span<byte> digest = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(subscription.Topic + " " + subscription.Subscriber), digest);
        return System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(digest) & int.MaxValue;
    }

    private DeliveryRecord Retry(QueuedEvent queued, GatewayProblem problem, DateTimeOffset now, string? code = null)
    {
        var attempts = queued.Attempts + 1;
        var error = $"{code ?? Code(problem)}: {problem.Detail}";
        if (now - queued.Event.Published >= _options.Events.DeadLetterAfter)
        {
            return Dead(queued, $"undelivered {_options.Events.DeadLetterAfter} after publication; last: {error}", now, attempts);
        }

        return new DeliveryRecord(queued.Seq, DeliveryState.Pending, attempts, now + Backoff(attempts), error, null, null);
    }

    private static DeliveryRecord Dead(QueuedEvent queued, string error, DateTimeOffset now, int? attempts = null) =>
        new(queued.Seq, DeliveryState.Dead, attempts ?? queued.Attempts, now, error, null, now);

    /// <summary>The wait before attempt <paramref name="attempts"/> + 1: doubling from the first delay up to the longest, the upper half of it at random (jitter), so lanes that failed together do not retry together.</summary>
    internal TimeSpan Backoff(int attempts)
    {
        var events = _options.Events;
        var full = events.RetryDelay.Ticks * Math.Pow(2, Math.Min(attempts - 1, 30));
        var capped = Math.Min(full, events.MaxRetryDelay.Ticks);
        return TimeSpan.FromTicks((long)(capped * (0.5 + (Random.Shared.NextDouble() * 0.5))));
    }

    private static string Code(GatewayProblem problem) => GatewayErrors.Describe(problem.Error).Code;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Task[] running;
        lock (_gate)
        {
            running = [.. _lanes.Values.Select(l => l.Task!)];
        }

        await Task.WhenAll(running).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public override void Dispose()
    {
        _concurrency.Dispose();
        base.Dispose();
    }

    /// <summary>One subscription's worker, and whether new work was announced since it last read the outbox.</summary>
    private sealed class Lane
    {
        private volatile bool _woken;

        public Task? Task { get; set; }

        public bool Woken => _woken;

        public void Wake() => _woken = true;

        public void ClearWake() => _woken = false;
    }
}

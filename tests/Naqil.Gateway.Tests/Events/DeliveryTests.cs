using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Events;
using Naqil.Gateway.Events.Delivery;
using Naqil.Gateway.Storage;
using Naqil.Gateway.Tests.TestEnvironment;
using Naqil.MessageLog;
using static Naqil.Gateway.Tests.TestEnvironment.GatewayTestEnvironment;

namespace Naqil.Gateway.Tests.Events;

/// <summary>
/// Delivery of events between two real gateways: the portal publishes on the MOCT gateway, which
/// delivers to the civil registry's gateway, which posts each event to the backend's <c>/events</c>.
/// Time is the environment's fake clock: retries and dead letters happen when the test moves it.
/// </summary>
public sealed class DeliveryTests : IAsyncLifetime
{
    private static readonly Subscription ToRegistry = new(Notices, RegistrySubscriber);
    private static readonly Subscription ToOther = new(Notices, Other);

    private GatewayTestEnvironment _env = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IEventOutbox Outbox => _env.Consumer.App.Services.GetRequiredService<IEventOutbox>();

    private EventDeliveryOptions Options => _env.Consumer.App.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.Events;

    public async ValueTask InitializeAsync() => _env = await StartAsync();

    public async ValueTask DisposeAsync() => await _env.DisposeAsync();

    [Fact]
    public async Task Deliver_Event_ReachesTheSubscribersBackendOnce_WithItsHeadersAndBody_SignedAndLoggedAtBothEnds()
    {
        const string body = "{\"notice\":\"مواعيد الدوام\",\"n\":1}";
        var id = await PublishAsync(body);

        await Eventually.UntilAsync(() => _env.Backend.Events.Count == 1, "the registry's backend received the event");
        var received = Assert.Single(_env.Backend.Events);
        Assert.Equal(id, received.Id);
        Assert.Equal(Encoding.UTF8.GetBytes(body), received.Body);
        Assert.Equal((Portal, Notices, RegistrySubscriber), (received.Headers["Naqil-Client"].ToString(), received.Headers["Naqil-Service"].ToString(), received.Headers["Naqil-Subscriber"].ToString()));
        Assert.Equal(_env.Time.GetUtcNow().ToUnixTimeMilliseconds(), DateTimeOffset.Parse(received.Headers["Naqil-Published"].ToString(), System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds());
        Assert.Equal("application/json", received.Headers.ContentType.ToString());
        await Eventually.UntilAsync(async () => (await StateAsync(ToRegistry)).Delivered == 1, "the publisher recorded the delivery");

        var sent = await EntriesAsync(_env.Consumer, EventDeliverer.DeliverySide);
        var got = await EntriesAsync(_env.Provider, "subscriber");
        var delivery = Assert.Single(sent, e => e.Path == "/" + RegistrySubscriber);
        var receipt = Assert.Single(got);
        Assert.Equal((delivery.NaqilId, delivery.RequestSignature, delivery.ResponseSignature), (receipt.NaqilId, receipt.RequestSignature, receipt.ResponseSignature));
        Assert.Equal(("ok", 200, Portal, Notices), (receipt.Outcome, receipt.Status, receipt.Client, receipt.Service));
        Assert.Contains("tag=\"naqil-event\"", delivery.RequestSignatureInput, StringComparison.Ordinal);
        Assert.Contains("tag=\"naqil-response\"", receipt.ResponseSignatureInput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_ManyEvents_ArriveInPublicationOrder_EachOnce()
    {
        var ids = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            ids.Add(await PublishAsync($"{{\"n\":{i}}}"));
        }

        await Eventually.UntilAsync(() => _env.Backend.Events.Count >= 30, "all 30 events arrived");
        Assert.Equal(ids, _env.Backend.Events.Select(e => e.Id));
        await Eventually.UntilAsync(async () => (await StateAsync(ToRegistry)).Delivered == 30, "all 30 recorded as delivered");
    }

    [Fact]
    public async Task Deliver_BackendFailing_EventsWaitInOrder_ThenArriveOnceEach_AfterTheBackoff()
    {
        _env.Backend.EventStatus = _ => 503;
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await PublishAsync($"{{\"n\":{i}}}"));
        }

        await Eventually.UntilAsync(async () => (await StateAsync(ToRegistry)).HeadAttempts >= 1, "the first attempt failed");
        var waiting = await StateAsync(ToRegistry);
        Assert.Equal((5L, 0L), (waiting.Pending, waiting.Delivered));
        Assert.Contains("503", waiting.LastError, StringComparison.Ordinal);
        Assert.True(waiting.NextAttempt > _env.Time.GetUtcNow(), "the retry waits");
        // Only the oldest was tried: the others wait behind it.
        Assert.All(_env.Backend.EventAttempts, a => Assert.Equal(ids[0], a));

        _env.Backend.EventStatus = _ => 204;
        _env.Time.Advance(Options.MaxRetryDelay);

        await Eventually.UntilAsync(() => _env.Backend.Events.Count >= 5, "all 5 arrived once the backend was back");
        Assert.Equal(ids, _env.Backend.Events.Select(e => e.Id));
        await Eventually.UntilAsync(async () => (await StateAsync(ToRegistry)).Delivered == 5, "all 5 recorded as delivered");
    }

    [Fact]
    public async Task Deliver_BackendRejectsOne_ItBecomesADeadLetter_TheOthersGoOn_AndRedeliverySendsItAgain()
    {
        string? rejected = null;
        _env.Backend.EventStatus = id => id == rejected ? 422 : 204;
        var first = await PublishAsync("{\"n\":1}");
        await Eventually.UntilAsync(() => _env.Backend.Events.Count == 1, "the first arrived");
        rejected = Guid.CreateVersion7().ToString("D");
        await PublishAsync("{\"n\":2}", rejected);
        var third = await PublishAsync("{\"n\":3}");

        await Eventually.UntilAsync(() => _env.Backend.Events.Count == 2, "the third arrived after the rejected second");
        Assert.Equal([first, third], _env.Backend.Events.Select(e => e.Id));
        await Eventually.UntilAsync(async () => (await StateAsync(ToRegistry)) is { Dead: 1, Delivered: 2 }, "the publisher recorded one dead letter");
        using (var letters = await AdminAsync(HttpMethod.Get, $"/admin/v1/events/dead-letters?subscriber={RegistrySubscriber}"))
        {
            using var json = JsonDocument.Parse(await letters.Content.ReadAsStringAsync(Ct));
            var letter = Assert.Single(json.RootElement.EnumerateArray());
            Assert.Equal(rejected, letter.GetProperty("eventId").GetString());
            Assert.Contains("422", letter.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        rejected = null;
        using var redeliver = await AdminAsync(HttpMethod.Post, "/admin/v1/events/dead-letters/redeliver", $"{{\"topic\":\"{Notices}\",\"subscriber\":\"{RegistrySubscriber}\"}}");

        Assert.Equal(HttpStatusCode.OK, redeliver.StatusCode);
        Assert.Equal("{\"redelivered\":1}", await redeliver.Content.ReadAsStringAsync(Ct));
        await Eventually.UntilAsync(() => _env.Backend.Events.Count == 3, "the redelivered event arrived");
        Assert.Equal(3, _env.Backend.Events.Select(e => e.Id).Distinct().Count());
        await Eventually.UntilAsync(async () => (await StateAsync(ToRegistry)) is { Dead: 0, Delivered: 3 }, "no dead letter is left");
    }

    [Fact]
    public async Task Deliver_AlreadyDelivered_SentAgain_AnsweredDuplicate_TheBackendIsNotCalledAgain()
    {
        var id = await PublishAsync("{\"n\":1}");
        await Eventually.UntilAsync(async () => (await StateAsync(ToRegistry)).Delivered == 1, "delivered once");

        // As if the publisher had not heard the answer: the delivery is pending again.
        await ExecuteAsync(_env.Consumer, $"UPDATE outbox_deliveries SET state = 'pending' WHERE subscriber = '{RegistrySubscriber}'");
        await _env.Consumer.App.Services.GetRequiredService<EventDeliverer>().NotifyDueAsync(Ct);

        await Eventually.UntilAsync(async () => (await EntriesAsync(_env.Provider, "subscriber")).Count == 2, "the second delivery was received");
        await Eventually.UntilAsync(async () => (await StateAsync(ToRegistry)) is { Pending: 0, Delivered: 1 }, "delivered again");
        Assert.Equal([id], _env.Backend.EventAttempts);
        var answers = (await EntriesAsync(_env.Consumer, EventDeliverer.DeliverySide)).Where(e => e.Path == "/" + RegistrySubscriber).ToList();
        Assert.Equal(2, answers.Count);
        Assert.All(answers, a => Assert.Equal("ok", a.Outcome));
    }

    [Fact]
    public async Task Deliver_PublisherHangsUpMidDelivery_WhatTheBackendAcknowledged_IsInTheSubscribersInbox()
    {
        // Three events wait behind a failed first attempt, so they go out together in one delivery.
        _env.Backend.EventStatus = _ => 503;
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await PublishAsync($"{{\"n\":{i}}}"));
        }

        await Eventually.UntilAsync(async () => (await StateAsync(ToRegistry)).HeadAttempts >= 1, "the first attempt failed");
        using var release = new ManualResetEventSlim();
        _env.Backend.EventStatus = id =>
        {
            if (id == ids[1])
            {
                release.Wait(TimeSpan.FromSeconds(30));
            }

            return 204;
        };
        _env.Time.Advance(Options.MaxRetryDelay);
        await Eventually.UntilAsync(() => _env.Backend.EventAttempts.Contains(ids[1]), "the first event was acknowledged and the second is being posted");

        // The publisher's gateway goes away mid-delivery, as a crash or a restart takes it: its resend will come.
        await _env.Consumer.App.StopAsync(Ct);
        release.Set();

        var inbox = _env.Provider.App.Services.GetRequiredService<IEventInbox>();
        await Eventually.UntilAsync(async () => (await inbox.DeliveredAsync(RegistrySubscriber, [ids[0]], Ct)).Count == 1,
            "the event the backend acknowledged before the hang-up is in the subscriber's inbox, so a resend does not post it again");
        Assert.Equal([ids[0]], _env.Backend.Events.Select(e => e.Id).Take(1));
    }

    [Fact]
    public async Task Deliver_NoAccessRuleAtThePublisher_DeadLetterAccessDenied_NothingIsSent()
    {
        var id = await PublishAsync("{\"n\":1}");

        await Eventually.UntilAsync(async () => (await StateAsync(ToOther)).Dead == 1, "the other subsystem's delivery is a dead letter");
        var letter = Assert.Single(await Outbox.DeadLettersAsync(Notices, Other, 10, Ct));
        Assert.Equal(id, letter.EventId);
        Assert.Contains("access-denied", letter.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(await EntriesAsync(_env.Consumer, EventDeliverer.DeliverySide), e => e.Path == "/" + Other);
    }

    [Fact]
    public async Task Deliver_StillFailingPastDeadLetterAfter_BecomesADeadLetter_AndTheLaneGoesOn()
    {
        // Within the trust configuration's ten minutes, so that only the dead-letter time runs out.
        await using var env = await StartAsync((member, o) => o with { Events = o.Events with { DeadLetterAfter = TimeSpan.FromMinutes(2) } });
        env.Backend.EventStatus = _ => 500;
        var stuck = await PublishAsync(env, "{\"n\":1}");
        await Eventually.UntilAsync(async () => (await StateAsync(env, ToRegistry)).HeadAttempts >= 1, "the first attempt failed");

        env.Backend.EventStatus = id => id == stuck ? 500 : 204;
        var next = await PublishAsync(env, "{\"n\":2}");
        env.Time.Advance(TimeSpan.FromMinutes(2));

        await Eventually.UntilAsync(() => env.Backend.Events.Count == 1, "the next event arrived once the first was given up");
        Assert.Equal(next, env.Backend.Events.Single().Id);
        var letter = Assert.Single(await env.Consumer.App.Services.GetRequiredService<IEventOutbox>().DeadLettersAsync(Notices, RegistrySubscriber, 10, Ct));
        Assert.Equal(stuck, letter.EventId);
        Assert.StartsWith("undelivered", letter.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_SubscriberGatewayHasNoEndpoint_RefusedNotSubscribed_TheEventWaits()
    {
        await using var env = await StartAsync((member, o) => member == "SY/GOV/CIVREG" ? o with { Subscriptions = [] } : o);
        await PublishAsync(env, "{\"n\":1}");

        await Eventually.UntilAsync(async () => (await StateAsync(env, ToRegistry)).HeadAttempts >= 1, "the first attempt was refused");
        var state = await StateAsync(env, ToRegistry);
        Assert.Equal((1L, 0L), (state.Pending, state.Dead));
        Assert.Contains("not-subscribed", state.LastError, StringComparison.Ordinal);
        Assert.Empty(env.Backend.EventAttempts);
    }

    [Fact]
    public async Task AdminSubscriptions_ShowBacklogLagAndInboundEndpoints_BehindTheToken()
    {
        _env.Backend.EventStatus = _ => 503;
        await PublishAsync("{\"n\":1}");
        await Eventually.UntilAsync(async () => (await StateAsync(ToRegistry)).HeadAttempts >= 1, "the first attempt failed");
        _env.Time.Advance(TimeSpan.FromMilliseconds(1500));

        using var anonymous = await _env.Client.GetAsync($"{_env.Consumer.ConsumerUrl}/admin/v1/events/subscriptions", Ct);
        using var listed = await AdminAsync(HttpMethod.Get, "/admin/v1/events/subscriptions");
        using var inbound = await AdminAsync(HttpMethod.Get, "/admin/v1/events/subscriptions", gateway: _env.Provider);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var json = JsonDocument.Parse(await listed.Content.ReadAsStringAsync(Ct));
        var registry = json.RootElement.GetProperty("outbound").EnumerateArray().Single(s => s.GetProperty("subscriber").GetString() == RegistrySubscriber);
        Assert.Equal(1, registry.GetProperty("pending").GetInt32());
        Assert.InRange(registry.GetProperty("lagSeconds").GetDouble(), 1.5, 1.6); // the fake clock moved 1.5 s; the publish itself took a few milliseconds of it
        Assert.Empty(json.RootElement.GetProperty("inbound").EnumerateArray());
        using var provider = JsonDocument.Parse(await inbound.Content.ReadAsStringAsync(Ct));
        var endpoint = Assert.Single(provider.RootElement.GetProperty("inbound").EnumerateArray());
        Assert.Equal((Notices, RegistrySubscriber, _env.Backend.Url + "/events"), (endpoint.GetProperty("topic").GetString(), endpoint.GetProperty("subscriber").GetString(), endpoint.GetProperty("endpoint").GetString()));
    }

    [Fact]
    public async Task Retention_DeliveriesPastIt_AreForgottenAtBothEnds_DeadLettersAndTheirEventsStay()
    {
        // An hour's retention: the fake clock fires every periodic timer for each second it moves.
        await using var env = await StartAsync((_, o) => o with { Events = o.Events with { Retention = TimeSpan.FromHours(1) } });
        var delivered = await PublishAsync(env, "{\"n\":1}");
        await Eventually.UntilAsync(async () => (await StateAsync(env, ToRegistry)).Delivered == 1, "delivered");
        var inbox = env.Provider.App.Services.GetRequiredService<IEventInbox>();
        Assert.Single(await inbox.DeliveredAsync(RegistrySubscriber, [delivered], Ct));

        env.Time.Advance(TimeSpan.FromHours(2));
        await env.Consumer.App.Services.GetRequiredService<EventDeliverer>().PruneIfDueAsync(Ct);
        await env.Provider.App.Services.GetRequiredService<EventDeliverer>().PruneIfDueAsync(Ct);

        // The sweep may be pruning at this moment too: wait for the outcome, not for one call.
        await Eventually.UntilAsync(async () => (await StateAsync(env, ToRegistry)).Delivered == 0, "the publisher forgot the delivery");
        await Eventually.UntilAsync(async () => (await inbox.DeliveredAsync(RegistrySubscriber, [delivered], Ct)).Count == 0, "the subscriber forgot the event");
        // The other subscriber's delivery is a dead letter: it is kept, and so is the event it refers to.
        Assert.Equal(1, (await StateAsync(env, ToOther)).Dead);
        Assert.NotNull(await env.Consumer.App.Services.GetRequiredService<IEventOutbox>().FindAsync(delivered, Ct));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"eventId\":\"not-a-uuid\"}")]
    [InlineData("{\"topic\":\"SY/GOV\"}")]
    [InlineData("[1,2]")]
    public async Task AdminRedeliver_NothingOrWrongNamed_RefusedWithWhatToSend(string body)
    {
        using var response = await AdminAsync(HttpMethod.Post, "/admin/v1/events/dead-letters/redeliver", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Naqil-Error").Single(), new[] { "bad-request", "bad-identifier" });
    }

    private Task<string> PublishAsync(string body, string? id = null) => PublishAsync(_env, body, id);

    private static async Task<string> PublishAsync(GatewayTestEnvironment env, string body, string? id = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{env.Consumer.ConsumerUrl}/e1/{Notices}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Naqil-Client", Portal);
        if (id is not null)
        {
            request.Headers.Add("Naqil-Id", id);
        }

        using var response = await env.Client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return response.Headers.GetValues("Naqil-Id").Single();
    }

    private Task<SubscriptionState> StateAsync(Subscription subscription) => StateAsync(_env, subscription);

    private static async Task<SubscriptionState> StateAsync(GatewayTestEnvironment env, Subscription subscription) =>
        (await env.Consumer.App.Services.GetRequiredService<IEventOutbox>().SubscriptionsAsync(Ct)).SingleOrDefault(s => s.Subscription == subscription)
        ?? new SubscriptionState(subscription, 0, 0, 0, null, null, 0, null, null);

    private async Task<HttpResponseMessage> AdminAsync(HttpMethod method, string path, string? body = null, GatewayNode? gateway = null)
    {
        using var request = new HttpRequestMessage(method, (gateway ?? _env.Consumer).ConsumerUrl + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return await _env.Client.SendAsync(request, Ct);
    }

    private static async Task<List<LogEntry>> EntriesAsync(GatewayNode gateway, string side)
    {
        var store = gateway.MessageLog.Store;
        var state = await store.LoadStateAsync(Ct);
        var entries = new List<LogEntry>();
        foreach (var stored in await store.ReadEntriesAsync(0, state.Size, Ct))
        {
            Assert.True(LogEntryEncoding.TryDecode(stored.Encoding, out _, out var entry, out _));
            if (entry!.Side == side)
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    private static async Task ExecuteAsync(GatewayNode gateway, string sql)
    {
        var store = (DbMessageLogStore)gateway.MessageLog.Store;
        await using var connection = await store.OpenAsync(Ct);
        await DbCommands.ExecuteAsync(connection, null, sql, Ct);
    }
}

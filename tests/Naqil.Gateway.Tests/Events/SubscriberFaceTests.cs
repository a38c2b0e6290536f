using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Naqil.Gateway.Forwarding;
using Naqil.Gateway.Signing;
using Naqil.Gateway.Trust;
using Naqil.Gateway.Tests.TestEnvironment;
using Naqil.Identifiers;
using static Naqil.Gateway.Tests.TestEnvironment.GatewayTestEnvironment;

namespace Naqil.Gateway.Tests.Events;

/// <summary>
/// The subscriber's face, spoken to directly with the publishing gateway's own keys (as a peer on
/// the path, or a faulty publisher, would): every check refuses with its code, signed, and the
/// backend is called only for a delivery that passed them all, once per event.
/// </summary>
public sealed class SubscriberFaceTests : IAsyncLifetime
{
    private GatewayTestEnvironment _env = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _env = await StartAsync();

    public async ValueTask DisposeAsync() => await _env.DisposeAsync();

    [Fact]
    public async Task Delivery_Valid_Delivered_ThenTheSameEventInANewDelivery_Duplicate_BackendCalledOnce()
    {
        var eventId = Guid.CreateVersion7().ToString("D");

        using var first = await SendAsync(Batch(eventId));
        using var again = await SendAsync(Batch(eventId));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, again.StatusCode));
        Assert.Equal("delivered", await StatusOfAsync(first, eventId));
        Assert.Equal("duplicate", await StatusOfAsync(again, eventId));
        Assert.Equal([eventId], _env.Backend.EventAttempts);
        Assert.Equal("{\"notice\":\"x\"}"u8.ToArray(), _env.Backend.Events.Single().Body);
    }

    [Fact]
    public async Task Delivery_BackendRejectsTheSecond_FailsTheThird_ResultsInOrder_TheFourthNotTried()
    {
        var ids = Enumerable.Range(0, 4).Select(_ => Guid.CreateVersion7().ToString("D")).ToArray();
        _env.Backend.EventStatus = id => id == ids[1] ? 422 : id == ids[2] ? 503 : 204;

        using var response = await SendAsync(Batch(ids));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["delivered", "rejected", "failed", "skipped"], await StatusesAsync(response));
        Assert.Equal(ids[..3], _env.Backend.EventAttempts);
    }

    [Theory]
    [InlineData("request-tag", HttpStatusCode.Unauthorized, "bad-signature")]
    [InlineData("unknown-topic", HttpStatusCode.NotFound, "unknown-topic")]
    [InlineData("not-subscribed", HttpStatusCode.Forbidden, "not-subscribed")]
    [InlineData("not-publisher", HttpStatusCode.Forbidden, "not-publisher")]
    [InlineData("bad-body", HttpStatusCode.BadRequest, "bad-body")]
    [InlineData("event-twice", HttpStatusCode.BadRequest, "bad-body")]
    [InlineData("short-path", HttpStatusCode.BadRequest, "bad-path")]
    [InlineData("bad-subscriber", HttpStatusCode.BadRequest, "bad-identifier")]
    public async Task Delivery_Wrong_RefusedSignedWithItsCode_BackendNotCalled(string wrong, HttpStatusCode status, string code)
    {
        var eventId = Guid.CreateVersion7().ToString("D");
        var (topic, subscriber, client, tag, body) = (Notices, RegistrySubscriber, Portal, NaqilHeaders.EventTag, Batch(eventId));
        var path = (string?)null;
        switch (wrong)
        {
            case "request-tag": tag = NaqilHeaders.RequestTag; break;
            case "unknown-topic": topic = "SY/GOV/MOCT/portal/unlisted"; break;
            case "not-subscribed": subscriber = "SY/GOV/CIVREG/other"; break;
            case "not-publisher": client = Other; break;
            case "bad-body": body = "{\"events\":{}}"u8.ToArray(); break;
            case "event-twice": body = Batch(eventId, eventId); break;
            case "short-path": path = $"/e1/{Notices}"; break;
            case "bad-subscriber": path = $"/e1/{Notices}/SY/GOV/CIVREG/bad%20name"; break;
        }

        using var response = await SendAsync(body, topic, subscriber, client, tag, path);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, response.Headers.GetValues("Naqil-Error").Single());
        Assert.StartsWith("naqil=(", response.Headers.GetValues("Signature-Input").Single(), StringComparison.Ordinal);
        Assert.Empty(_env.Backend.EventAttempts);
    }

    [Fact]
    public async Task Delivery_SentTwiceAsIs_TheCopyIsRefusedAsReplayed()
    {
        var request = Create(Batch(Guid.CreateVersion7().ToString("D")), Notices, RegistrySubscriber, Portal, NaqilHeaders.EventTag, null);
        var copy = SignedSender.Copy(request.Message, await request.Message.Content!.ReadAsByteArrayAsync(Ct));

        using var first = await Client.SendAsync(request.Message, Ct);
        using var replayed = await Client.SendAsync(copy, Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal((HttpStatusCode.Conflict, "replayed"), (replayed.StatusCode, replayed.Headers.GetValues("Naqil-Error").Single()));
        Assert.Single(_env.Backend.EventAttempts);
    }

    private HttpMessageInvoker Client => _env.Consumer.App.Services.GetRequiredService<ProviderGatewayClient>().For(Provider);

    private PeerGateway Provider => _env.Consumer.Trust.Current!.GatewaysOf(MemberId.Parse("SY/GOV/CIVREG")).Single();

    private async Task<HttpResponseMessage> SendAsync(byte[] body, string topic = Notices, string subscriber = RegistrySubscriber, string client = Portal, string tag = NaqilHeaders.EventTag, string? path = null)
    {
        var request = Create(body, topic, subscriber, client, tag, path);
        return await Client.SendAsync(request.Message, Ct);
    }

    private SignedRequest Create(byte[] body, string topic, string subscriber, string client, string tag, string? path)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["naqil-id"] = Guid.CreateVersion7().ToString("D"),
            ["naqil-client"] = client,
            ["naqil-service"] = topic,
            ["content-type"] = "application/json",
        };
        return _env.Consumer.App.Services.GetRequiredService<SignedRequestFactory>()
            .Create(Provider, HttpMethod.Post, path ?? $"/e1/{topic}/{subscriber}", "", headers, body, hasContent: true, tag);
    }

    private static byte[] Batch(params string[] ids) =>
        Encoding.UTF8.GetBytes("{\"events\":[" + string.Join(',', ids.Select(id => $"{{\"id\":\"{id}\",\"published\":\"2026-12-07T10:00:00.000Z\",\"body\":{{\"notice\":\"x\"}}}}")) + "]}");

    private static async Task<string> StatusOfAsync(HttpResponseMessage response, string id)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return json.RootElement.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("id").GetString() == id).GetProperty("status").GetString()!;
    }

    private static async Task<List<string>> StatusesAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return [.. json.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("status").GetString()!)];
    }
}

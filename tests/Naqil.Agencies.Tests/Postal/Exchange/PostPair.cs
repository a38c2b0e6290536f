using System.Net.Http.Headers;
using System.Text.Json;
using Naqil.Agencies.Postal;
using Naqil.Agencies.Postal.Exchange;
using Naqil.Agencies.Tests.Postal.Apis;

namespace Naqil.Agencies.Tests.Postal.Exchange;

/// <summary>
/// Syria's and Iraq's posts, each on its own host and SQLite file, each publishing to a fake
/// gateway of its own; the test is the bus between them (<see cref="RelayAsync"/>).
/// </summary>
internal sealed class PostPair : IAsyncDisposable
{
    private int _deliveredFromSyria;
    private int _deliveredFromIraq;

    private PostPair(FakeGateway syriaGateway, FakeGateway iraqGateway, PostHost syria, PostHost iraq)
    {
        SyriaGateway = syriaGateway;
        IraqGateway = iraqGateway;
        Syria = syria;
        Iraq = iraq;
    }

    public FakeGateway SyriaGateway { get; }

    public FakeGateway IraqGateway { get; }

    public PostHost Syria { get; }

    public PostHost Iraq { get; }

    public static async Task<PostPair> StartAsync()
    {
        var syriaGateway = await FakeGateway.StartAsync();
        var iraqGateway = await FakeGateway.StartAsync();
        var syria = await PostHost.StartAsync(Posts.Syria, PostalExchangeOptions.For(Posts.Syria, syriaGateway.Url, "IQ") with { HostPublisher = false });
        var iraq = await PostHost.StartAsync(Posts.Iraq, PostalExchangeOptions.For(Posts.Iraq, iraqGateway.Url, "SY") with { HostPublisher = false });
        return new PostPair(syriaGateway, iraqGateway, syria, iraq);
    }

    /// <summary>
    /// Each post publishes what it queued; then what each gateway took since the last relay is
    /// delivered to the other post, in order, as the subscriber's gateway would. Returns the answers.
    /// </summary>
    public async Task<IReadOnlyList<(int Status, JsonElement Body)>> RelayAsync()
    {
        await Syria.Publisher.PublishPendingAsync(TestContext.Current.CancellationToken);
        await Iraq.Publisher.PublishPendingAsync(TestContext.Current.CancellationToken);
        var answers = new List<(int, JsonElement)>();
        var fromSyria = SyriaGateway.Accepted.Skip(_deliveredFromSyria).ToList();
        var fromIraq = IraqGateway.Accepted.Skip(_deliveredFromIraq).ToList();
        foreach (var e in fromSyria)
        {
            answers.Add(await DeliverAsync(Iraq, e, "IQ/GOV/POST/ems"));
        }

        foreach (var e in fromIraq)
        {
            answers.Add(await DeliverAsync(Syria, e, "SY/GOV/POST/ems"));
        }

        _deliveredFromSyria += fromSyria.Count;
        _deliveredFromIraq += fromIraq.Count;
        return answers;
    }

    /// <summary>One event as a subscriber's gateway delivers it: the publisher's bytes, with the Naqil headers of the contract.</summary>
    public static Task<(int Status, JsonElement Body)> DeliverAsync(PostHost to, PublishRequest e, string subscriber) =>
        DeliverAsync(to, e.Body, e.Client, e.Topic, e.NaqilId, subscriber);

    public static async Task<(int Status, JsonElement Body)> DeliverAsync(PostHost to, byte[] body, string? client, string? topic, string? naqilId = null, string? subscriber = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/events/ems") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("Naqil-Id", naqilId ?? Guid.NewGuid().ToString("D"));
        if (client is not null)
        {
            request.Headers.Add("Naqil-Client", client);
        }

        if (topic is not null)
        {
            request.Headers.Add("Naqil-Service", topic);
        }

        if (subscriber is not null)
        {
            request.Headers.Add("Naqil-Subscriber", subscriber);
        }

        request.Headers.Add("Naqil-Published", "2026-11-10T09:00:00Z");
        using var response = await to.Client.SendAsync(request, TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, await PostHost.ReadAsync(response));
    }

    public async ValueTask DisposeAsync()
    {
        await Syria.DisposeAsync();
        await Iraq.DisposeAsync();
        await SyriaGateway.DisposeAsync();
        await IraqGateway.DisposeAsync();
    }
}

using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Naqil.Gateway.Events;
using Naqil.Gateway.Tests.TestEnvironment;
using static Naqil.Gateway.Tests.TestEnvironment.GatewayTestEnvironment;

namespace Naqil.Gateway.Tests.Events;

/// <summary>Events across the border: the SY portal's notices reach Iraqi Post's backend through the IQ gateway, only while both gateways allow the other country.</summary>
public sealed class FederatedDeliveryTests
{
    private static readonly Subscription ToIraq = new(Notices, FederationTestEnvironment.IqSubscriber);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Deliver_ToAPartnersSubscriber_ReachesItsBackendThroughItsGateway()
    {
        await using var env = await FederationTestEnvironment.StartAsync();

        var id = await PublishAsync(env.Sy, "{\"notice\":\"الحدود\"}");

        await Eventually.UntilAsync(() => env.IqBackend.Events.Count == 1, "Iraqi Post's backend received the event");
        var received = env.IqBackend.Events.Single();
        Assert.Equal((id, Portal, FederationTestEnvironment.IqSubscriber), (received.Id, received.Headers["Naqil-Client"].ToString(), received.Headers["Naqil-Subscriber"].ToString()));
        Assert.Equal(Encoding.UTF8.GetBytes("{\"notice\":\"الحدود\"}"), received.Body);
        await Eventually.UntilAsync(async () => (await StateAsync(env)).Delivered == 1, "the SY gateway recorded the delivery");
    }

    [Theory]
    [InlineData(false, true, "federation-not-allowed")]
    [InlineData(true, false, "provider-unreachable")] // the IQ gateway holds no SY configuration: the handshake itself fails
    public async Task Deliver_AGatewayDoesNotAllowThePartner_TheEventWaits_NothingReachesTheBackend(bool syAllowsIq, bool iqAllowsSy, string error)
    {
        await using var env = await FederationTestEnvironment.StartAsync(syAllowsIq, iqAllowsSy);

        await PublishAsync(env.Sy, "{\"notice\":1}");

        await Eventually.UntilAsync(async () => (await StateAsync(env)).HeadAttempts >= 1, "the first attempt failed");
        var state = await StateAsync(env);
        Assert.Equal((1L, 0L), (state.Pending, state.Delivered));
        Assert.Contains(error, state.LastError, StringComparison.Ordinal);
        Assert.Empty(env.IqBackend.EventAttempts);
    }

    private static async Task<SubscriptionState> StateAsync(FederationTestEnvironment env) =>
        (await env.Sy.Consumer.App.Services.GetRequiredService<IEventOutbox>().SubscriptionsAsync(Ct)).SingleOrDefault(s => s.Subscription == ToIraq)
        ?? new SubscriptionState(ToIraq, 0, 0, 0, null, null, 0, null, null);

    private static async Task<string> PublishAsync(GatewayTestEnvironment env, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{env.Consumer.ConsumerUrl}/e1/{Notices}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Naqil-Client", Portal);
        using var response = await env.Client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return response.Headers.GetValues("Naqil-Id").Single();
    }
}

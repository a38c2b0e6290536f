using System.Text;
using Microsoft.Extensions.Time.Testing;
using Naqil.Agencies.Postal;
using Naqil.Agencies.Postal.Exchange;
using Naqil.Agencies.Postal.Storage;
using Naqil.Agencies.Tests.Postal.Exchange;
using static Naqil.Agencies.Postal.EmsEventCode;

namespace Naqil.Agencies.Tests.Postal.Storage;

/// <summary>Two posts' services, each on a database of its own, exchanging events through their stores; each store derives from this class.</summary>
public abstract class PostalExchangeContract : IAsyncLifetime
{
    private const string Item = "EE123456785SY";
    private static readonly DateTimeOffset Now = new(2026, 11, 10, 12, 0, 0, TimeSpan.FromHours(3));
    private static readonly DateTimeOffset Posted = Now.AddDays(-3);

    private IPostalStore _syriaStore = null!;
    private IPostalStore _iraqStore = null!;
    private PostalService _syria = null!;
    private PostalService _iraq = null!;

    private protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A store on a database of its own for the post named <paramref name="post"/> (sy or iq).</summary>
    private protected abstract Task<IPostalStore> CreateStoreAsync(string post);

    public virtual async ValueTask InitializeAsync()
    {
        _syriaStore = await CreateStoreAsync("sy");
        _iraqStore = await CreateStoreAsync("iq");
        _syria = new PostalService(Posts.Syria, _syriaStore, new FakeTimeProvider(Now), new PublicationSignal());
        _iraq = new PostalService(Posts.Iraq, _iraqStore, new FakeTimeProvider(Now), new PublicationSignal());
        await _syria.InitializeAsync(Ct);
        await _iraq.InitializeAsync(Ct);
    }

    public virtual ValueTask DisposeAsync()
    {
        _syriaStore?.Dispose();
        _iraqStore?.Dispose();
        return ValueTask.CompletedTask;
    }

    private static void Ok(PostalOutcome outcome) => Assert.True(outcome.Error == PostalError.None, outcome.Detail);

    private async Task DispatchAsync()
    {
        Ok(await _syria.AcceptAsync(Item, "IQ", "SYDAMZ", Posted, Ct));
        Ok(await _syria.RecordAsync(Item, "EMB", "SYDAMA", Posted.AddHours(6), Ct));
        Ok(await _syria.RecordAsync(Item, "EMC", "SYDAMA", Posted.AddHours(20), Ct));
    }

    [Fact]
    public async Task Exchange_LeavesBothDatabasesWithTheSameHistory_AndNothingPending()
    {
        await DispatchAsync();
        Assert.All(await ServiceBus.DeliverPendingAsync(_syriaStore, _iraq, Now), o => Assert.False(o.Duplicate));
        Ok(await _iraq.AcceptAsync(Item, null, "IQBGWA", Posted.AddHours(30), Ct));
        Ok(await _iraq.RecordAsync(Item, "EMF", "IQBGWA", Posted.AddHours(40), Ct));

        var outcomes = await ServiceBus.DeliverPendingAsync(_iraqStore, _syria, Now);

        Assert.Equal(2, outcomes.Count);
        Assert.All(outcomes, Ok);
        var atSyria = await _syria.GetAsync(S10Id.Parse(Item), Ct);
        var atIraq = await _iraq.GetAsync(S10Id.Parse(Item), Ct);
        Assert.Equal([EMA, EMB, EMC, EMD, EMF], atSyria!.Events.Select(e => e.Code));
        Assert.Equal(atIraq!.Events, atSyria.Events);
        Assert.Equal("to-delivery-office", Assert.Single(await _syriaStore.ListAsync(null, null, 10, Ct)).Status);
        Assert.Empty(await _syriaStore.PendingPublicationsAsync(10, Ct));
        Assert.Empty(await _iraqStore.PendingPublicationsAsync(10, Ct));
        Assert.Equal([EMC.ToString()], (await _syriaStore.ListPublicationsAsync(PublicationState.Published, 10, Ct)).Select(p => p.Code));
        Assert.Equal(["EMF", "EMD"], (await _iraqStore.ListPublicationsAsync(PublicationState.Published, 10, Ct)).Select(p => p.Code));
    }

    [Fact]
    public async Task ConcurrentDeliveries_OfOneEvent_StoreItOnce()
    {
        await DispatchAsync();
        var body = Assert.Single(await _syriaStore.PendingPublicationsAsync(10, Ct)).Body;
        Assert.True(EmsEventMessage.TryParse(Encoding.UTF8.GetBytes(body), out var message));
        using var second = await CreateStoreAsync("iq");
        var iraqAgain = new PostalService(Posts.Iraq, second, new FakeTimeProvider(Now));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? _iraq : iraqAgain).ReceiveAsync(message, Ct)));

        Assert.All(outcomes, Ok);
        Assert.Single(outcomes, o => !o.Duplicate);
        Assert.Equal([EMA, EMB, EMC], (await _iraq.GetAsync(S10Id.Parse(Item), Ct))!.Events.Select(e => e.Code));
    }
}

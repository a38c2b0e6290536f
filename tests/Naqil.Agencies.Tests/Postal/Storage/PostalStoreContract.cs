using Naqil.Agencies.Postal;
using Naqil.Agencies.Postal.Storage;
using static Naqil.Agencies.Postal.EmsEventCode;

namespace Naqil.Agencies.Tests.Postal.Storage;

/// <summary>What every <see cref="IPostalStore"/> must do; each store derives from this class.</summary>
public abstract class PostalStoreContract : IAsyncLifetime
{
    private static readonly S10Id Item = S10Id.Create("EE", 12345678, "SY");
    private static readonly DateTimeOffset Posted = new(2026, 11, 2, 8, 0, 0, TimeSpan.FromHours(3));

    private IPostalStore _store = null!;

    private protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public virtual async ValueTask InitializeAsync()
    {
        _store = CreateStore();
        await _store.InitializeAsync("SY", Ct);
    }

    public virtual ValueTask DisposeAsync()
    {
        _store?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A store on the test's data; a second call opens another store on the same data, as a second process would.</summary>
    private protected abstract IPostalStore CreateStore();

    private Task<bool> AppendAsync(IPostalStore store, ItemEvent e, string? create = null) =>
        store.ChangeAsync(Item, item => new StoreChange<bool>(true, item is null ? create ?? "IQ" : null, [e]), Ct);

    [Fact]
    public async Task Change_CreatesAndAppends_AndGetReturnsEventsWithTheirOffsets()
    {
        await AppendAsync(_store, new ItemEvent(EMA, "SYDAMZ", Posted));
        await AppendAsync(_store, new ItemEvent(EMB, "SYDAMA", Posted.AddHours(6).ToOffset(TimeSpan.Zero)));

        var item = await _store.GetAsync(Item, Ct);

        Assert.NotNull(item);
        Assert.Equal("IQ", item.Destination);
        Assert.Equal([EMA, EMB], item.Events.Select(e => e.Code));
        Assert.Equal(TimeSpan.FromHours(3), item.Events[0].Time.Offset);
        Assert.Equal(TimeSpan.Zero, item.Events[1].Time.Offset);
        Assert.Equal(Posted.AddHours(6), item.Events[1].Time);
    }

    [Fact]
    public async Task Change_ThatAppendsNothing_StoresNothing()
    {
        var outcome = await _store.ChangeAsync(Item, item => new StoreChange<string>(item is null ? "absent" : "present"), Ct);

        Assert.Equal("absent", outcome);
        Assert.Null(await _store.GetAsync(Item, Ct));
        Assert.Empty(await _store.ListAsync(null, null, 10, Ct));
    }

    [Fact]
    public async Task SameEventTwice_IsRefusedByTheStore_AndStoredOnce()
    {
        await AppendAsync(_store, new ItemEvent(EMA, "SYDAMZ", Posted));

        // The service never asks this; the unique key is the last line of defence.
        await Assert.ThrowsAnyAsync<Exception>(() => AppendAsync(_store, new ItemEvent(EMA, "SYDAMZ", Posted)));

        Assert.Single((await _store.GetAsync(Item, Ct))!.Events);
    }

    [Fact]
    public async Task List_FiltersByTheOfficeAndStatusOfTheLastEvent()
    {
        var other = S10Id.Create("EE", 20000011, "SY");
        await AppendAsync(_store, new ItemEvent(EMA, "SYDAMZ", Posted));
        await AppendAsync(_store, new ItemEvent(EMB, "SYDAMA", Posted.AddHours(1)));
        await _store.ChangeAsync(other, _ => new StoreChange<bool>(true, "IQ", [new ItemEvent(EMA, "SYDAMZ", Posted)]), Ct);

        var atExchange = await _store.ListAsync("SYDAMA", "at-outward-exchange", 10, Ct);
        var posted = await _store.ListAsync(null, "posted", 10, Ct);
        var atMazzeh = await _store.ListAsync("SYDAMZ", null, 10, Ct);
        var none = await _store.ListAsync("SYDAMA", "posted", 10, Ct);
        var all = await _store.ListAsync(null, null, 1, Ct);

        Assert.Equal([Item.Value], atExchange.Select(i => i.ItemId));
        Assert.Equal("SY", atExchange[0].Origin);
        Assert.Equal([other.Value], posted.Select(i => i.ItemId));
        Assert.Equal([other.Value], atMazzeh.Select(i => i.ItemId));
        Assert.Empty(none);
        Assert.Single(all);
    }

    [Fact]
    public async Task ConcurrentChanges_OnOneItem_SeeEachOthersEvents()
    {
        await AppendAsync(_store, new ItemEvent(EMA, "SYDAMZ", Posted));
        using var second = CreateStore();

        // Each appends EMB only if the last event is EMA: exactly one may pass.
        var attempts = Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? _store : second).ChangeAsync(Item,
            item => item!.Last!.Code == EMA
                ? new StoreChange<bool>(true, Append: [new ItemEvent(EMB, "SYDAMA", Posted.AddMinutes(i + 1))])
                : new StoreChange<bool>(false), Ct));
        var outcomes = await Task.WhenAll(attempts);

        Assert.Single(outcomes, o => o);
        Assert.Equal([EMA, EMB], (await _store.GetAsync(Item, Ct))!.Events.Select(e => e.Code));
    }

    [Fact]
    public async Task Initialize_OnAnotherPostsDatabase_Refuses()
    {
        using var iraq = CreateStore();

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => iraq.InitializeAsync("IQ", Ct));

        Assert.Contains("belongs to the post of SY, not IQ", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_OutlivesTheStore()
    {
        await AppendAsync(_store, new ItemEvent(EMA, "SYDAMZ", Posted));
        _store.Dispose();
        _store = CreateStore();
        await _store.InitializeAsync("SY", Ct);

        Assert.Equal(EMA, (await _store.GetAsync(Item, Ct))!.Last!.Code);
    }

    private static OutgoingEvent Outgoing(string naqilId, EmsEventCode code, string body = "{}") =>
        new(Guid.Parse(naqilId), Item, code, body, Posted);

    [Fact]
    public async Task Change_AppendingSeveralEventsOutOfTimeOrder_ReadsThemInTimeOrder_AndTheRowFollowsTheDestinationsLatest()
    {
        // The destination accepted the item (EMD) before the origin's events came on the bus.
        await AppendAsync(_store, new ItemEvent(EMD, "IQBGWA", Posted.AddDays(1)));
        await _store.ChangeAsync(Item, _ => new StoreChange<bool>(true, Append:
            [new ItemEvent(EMA, "SYDAMZ", Posted), new ItemEvent(EMB, "SYDAMA", Posted.AddHours(6)), new ItemEvent(EMC, "SYDAMA", Posted.AddHours(20))]), Ct);

        var item = await _store.GetAsync(Item, Ct);
        var listed = await _store.ListAsync(null, null, 10, Ct);

        Assert.Equal([EMA, EMB, EMC, EMD], item!.Events.Select(e => e.Code));
        Assert.Equal(EMD, item.Last!.Code);
        Assert.Equal("at-inward-exchange", Assert.Single(listed).Status);
        Assert.Equal("IQBGWA", listed[0].Office);
    }

    [Fact]
    public async Task Publication_IsQueuedWithItsEvent_PendingInQueueOrder_ThenUpdated()
    {
        const string First = "00000000-0000-8000-8000-000000000001";
        const string Second = "00000000-0000-8000-8000-000000000002";
        await _store.ChangeAsync(Item, _ => new StoreChange<bool>(true, "IQ", [new ItemEvent(EMA, "SYDAMZ", Posted)], Outgoing(First, EMA, "{\"n\":1}")), Ct);
        await _store.ChangeAsync(Item, _ => new StoreChange<bool>(true, Append: [new ItemEvent(EMB, "SYDAMA", Posted.AddHours(1))], Publish: Outgoing(Second, EMB)), Ct);

        var pending = await _store.PendingPublicationsAsync(10, Ct);
        Assert.Equal([First, Second], pending.Select(p => p.NaqilId));
        Assert.Equal("{\"n\":1}", pending[0].Body);
        Assert.Equal(Item.Value, pending[0].ItemId);
        Assert.Equal("EMA", pending[0].Code);
        Assert.Equal(0, pending[0].Attempts);

        await _store.UpdatePublicationAsync(pending[1].Seq, PublicationState.Pending, "503 log-unavailable", Posted.AddHours(2), Ct);
        await _store.UpdatePublicationAsync(pending[0].Seq, PublicationState.Published, null, Posted.AddHours(2), Ct);

        var stillPending = Assert.Single(await _store.PendingPublicationsAsync(10, Ct));
        Assert.Equal(Second, stillPending.NaqilId);
        Assert.Equal(1, stillPending.Attempts);
        Assert.Equal("503 log-unavailable", stillPending.LastError);
        var published = Assert.Single(await _store.ListPublicationsAsync(PublicationState.Published, 10, Ct));
        Assert.Equal(First, published.NaqilId);
        Assert.Null(published.LastError);
        Assert.Equal(Posted.AddHours(2), published.Updated);
        Assert.Equal([Second, First], (await _store.ListPublicationsAsync(null, 10, Ct)).Select(p => p.NaqilId));
        Assert.Empty(await _store.ListPublicationsAsync(PublicationState.Failed, 10, Ct));
    }

    [Fact]
    public async Task Publication_WhoseWriteFails_TakesItsEventWithIt()
    {
        const string Id = "00000000-0000-8000-8000-000000000001";
        await _store.ChangeAsync(Item, _ => new StoreChange<bool>(true, "IQ", [new ItemEvent(EMA, "SYDAMZ", Posted)], Outgoing(Id, EMA)), Ct);

        // The same Naqil-Id again breaks the unique key: the event of that change must not be stored either.
        await Assert.ThrowsAnyAsync<Exception>(() =>
            _store.ChangeAsync(Item, _ => new StoreChange<bool>(true, Append: [new ItemEvent(EMB, "SYDAMA", Posted.AddHours(1))], Publish: Outgoing(Id, EMB)), Ct));

        Assert.Equal([EMA], (await _store.GetAsync(Item, Ct))!.Events.Select(e => e.Code));
        Assert.Single(await _store.PendingPublicationsAsync(10, Ct));
    }

    [Fact]
    public async Task PendingPublications_OutliveTheStore()
    {
        await _store.ChangeAsync(Item, _ => new StoreChange<bool>(true, "IQ", [new ItemEvent(EMA, "SYDAMZ", Posted)], Outgoing("00000000-0000-8000-8000-000000000001", EMA)), Ct);
        _store.Dispose();
        _store = CreateStore();
        await _store.InitializeAsync("SY", Ct);

        Assert.Equal("00000000-0000-8000-8000-000000000001", Assert.Single(await _store.PendingPublicationsAsync(10, Ct)).NaqilId);
    }
}

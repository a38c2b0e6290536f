using Microsoft.Extensions.Time.Testing;
using Naqil.Agencies.Postal;
using Naqil.Agencies.Postal.Exchange;
using Naqil.Agencies.Postal.Storage;
using Naqil.Agencies.Tests.Postal.Exchange;

namespace Naqil.Agencies.Tests.Postal;

public sealed class SyntheticItemsTests
{
    [Theory]
    [InlineData("SY", "dispatched", 6)]
    [InlineData("IQ", "delivered", 6)]
    public async Task Seed_PassesThePostsOwnRules_AndIsIdempotent(string country, string exampleStatus, int items)
    {
        using var directory = new TempDirectory();
        using var store = new SqlitePostalStore(Path.Combine(directory.Path, "postal.db"));
        var postal = new PostalService(Posts.ByCountry(country), store, new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)));
        await postal.InitializeAsync(TestContext.Current.CancellationToken);

        await SyntheticItems.SeedAsync(postal, TestContext.Current.CancellationToken);
        await SyntheticItems.SeedAsync(postal, TestContext.Current.CancellationToken);

        var all = await postal.ListAsync(null, null, 100, TestContext.Current.CancellationToken);
        Assert.Equal(items, all.Count);
        Assert.True(all.Select(i => i.Status).Distinct().Count() >= 3, "the items should be in several states");
        var example = await postal.GetAsync(SyntheticItems.ExampleItemId, TestContext.Current.CancellationToken);
        Assert.Equal(exampleStatus, EmsEvents.Info(example!.Last!.Code).Status);
        Assert.Equal("EE123456785SY", SyntheticItems.ExampleItemId.Value);
    }

    [Fact]
    public async Task Seeds_OfTheTwoPosts_CrossWithoutARefusal_AndAgreeOnEveryItemTheyShare()
    {
        using var directory = new TempDirectory();
        using var syriaStore = new SqlitePostalStore(Path.Combine(directory.Path, "sy.db"));
        using var iraqStore = new SqlitePostalStore(Path.Combine(directory.Path, "iq.db"));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        var syria = new PostalService(Posts.Syria, syriaStore, time, new PublicationSignal());
        var iraq = new PostalService(Posts.Iraq, iraqStore, time, new PublicationSignal());
        var ct = TestContext.Current.CancellationToken;
        await syria.InitializeAsync(ct);
        await iraq.InitializeAsync(ct);
        await SyntheticItems.SeedAsync(syria, ct);
        await SyntheticItems.SeedAsync(iraq, ct);

        var outcomes = (await ServiceBus.DeliverPendingAsync(syriaStore, iraq, time.GetUtcNow()))
            .Concat(await ServiceBus.DeliverPendingAsync(iraqStore, syria, time.GetUtcNow())).ToList();

        Assert.All(outcomes, o => Assert.True(o.Error == PostalError.None, o.Detail));
        var atSyria = (await syria.ListAsync(null, null, 100, ct)).Select(i => i.ItemId).ToHashSet();
        var atIraq = (await iraq.ListAsync(null, null, 100, ct)).Select(i => i.ItemId).ToHashSet();
        var shared = atSyria.Intersect(atIraq).Order().ToList();
        Assert.Equal(5, shared.Count);
        Assert.Contains(S10Id.Create("EE", 40000027, "IQ").Value, shared);
        foreach (var id in shared)
        {
            Assert.Equal((await iraq.GetAsync(S10Id.Parse(id), ct))!.Events, (await syria.GetAsync(S10Id.Parse(id), ct))!.Events);
        }

        var example = await syria.GetAsync(SyntheticItems.ExampleItemId, ct);
        Assert.Equal("delivered", EmsEvents.Info(example!.Last!.Code).Status);
    }
}

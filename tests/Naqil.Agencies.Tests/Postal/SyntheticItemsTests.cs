using Microsoft.Extensions.Time.Testing;
using Naqil.Agencies.Postal;
using Naqil.Agencies.Postal.Storage;

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
}

using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.ProviderFace;

namespace Naqil.Gateway.Tests.Hostile;

/// <summary>The provider's replay cache on its own: what it remembers, for how long, and its bound.</summary>
public sealed class ReplayCacheTests
{
    private const string KeyId = "peer-signing-key";
    private const int Capacity = 1000;
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    [Fact]
    public void SameId_RefusedWhileRemembered_ForgottenOnceItsWindowHasPassed()
    {
        var cache = NewCache();
        var id = Guid.CreateVersion7().ToString();

        Assert.Equal(ReplayCheck.Fresh, cache.TryRegister(KeyId, id, Start + Window, Start));
        Assert.Equal(ReplayCheck.Replayed, cache.TryRegister(KeyId, id, Start + Window, Start + Window));
        Assert.Equal(ReplayCheck.Fresh, cache.TryRegister("another-signer", id, Start + Window, Start));
        Assert.Equal(2, cache.Count);

        var later = Start + Window + TimeSpan.FromMilliseconds(1);
        Assert.Equal(ReplayCheck.Fresh, cache.TryRegister(KeyId, Guid.CreateVersion7().ToString(), later + Window, later));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void Full_RefusesNewIds_UntilTheOldestExpire()
    {
        var cache = NewCache();
        for (var i = 0; i < Capacity; i++)
        {
            // One entry per millisecond of the window, so the oldest expire first; four signers, each within its share.
            var sent = Start + TimeSpan.FromMilliseconds(i);
            Assert.Equal(ReplayCheck.Fresh, cache.TryRegister(Signer(i % 4), Guid.CreateVersion7().ToString(), sent + Window, sent));
        }

        Assert.Equal(ReplayCheck.Full, cache.TryRegister(Signer(4), Guid.CreateVersion7().ToString(), Start + Window, Start + TimeSpan.FromSeconds(1)));
        Assert.Equal(Capacity, cache.Count);

        // Ten entries have passed their window: ten new ones fit, the eleventh does not.
        var now = Start + Window + TimeSpan.FromMilliseconds(10);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(ReplayCheck.Fresh, cache.TryRegister(Signer(i % 4), Guid.CreateVersion7().ToString(), now + Window, now));
        }

        Assert.Equal(ReplayCheck.Full, cache.TryRegister(Signer(4), Guid.CreateVersion7().ToString(), now + Window, now));
        Assert.Equal(Capacity, cache.Count);
    }

    [Fact]
    public void OneSigner_FillsOnlyItsShare_OthersStillRegister()
    {
        var cache = NewCache();
        for (var i = 0; i < Capacity / 4; i++)
        {
            Assert.Equal(ReplayCheck.Fresh, cache.TryRegister(KeyId, Guid.CreateVersion7().ToString(), Start + Window, Start));
        }

        Assert.Equal(ReplayCheck.PeerFull, cache.TryRegister(KeyId, Guid.CreateVersion7().ToString(), Start + Window, Start));
        Assert.Equal(ReplayCheck.Fresh, cache.TryRegister("another-signer", Guid.CreateVersion7().ToString(), Start + Window, Start));
        Assert.Equal(Capacity / 4 + 1, cache.Count);

        // Once its entries pass their window, the signer has its share back.
        var later = Start + Window + TimeSpan.FromMilliseconds(1);
        Assert.Equal(ReplayCheck.Fresh, cache.TryRegister(KeyId, Guid.CreateVersion7().ToString(), later + Window, later));
    }

    [Fact]
    public async Task ConcurrentRegistrations_NeverHoldMoreThanTheCapacityOrAShare()
    {
        var cache = NewCache();
        const int Threads = 5;
        var ids = Enumerable.Range(0, Threads).Select(_ => Enumerable.Range(0, Capacity).Select(_ => Guid.CreateVersion7().ToString()).ToArray()).ToArray();
        using var start = new Barrier(Threads);

        // Five signers, each trying a whole capacity: each may hold a quarter, all together the capacity.
        var fresh = await Task.WhenAll(ids.Select((mine, signer) => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            return mine.Count(id => cache.TryRegister(Signer(signer), id, Start + Window, Start) == ReplayCheck.Fresh);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));

        Assert.Equal(Capacity, fresh.Sum());
        Assert.All(fresh, count => Assert.True(count <= Capacity / 4, $"one signer registered {count}"));
        Assert.Equal(Capacity, cache.Count);
    }

    private static string Signer(int i) => $"signer-{i}";

    private static ReplayCache NewCache() => new(Options.Create(new GatewayOptions { ReplayCacheCapacity = Capacity }));
}

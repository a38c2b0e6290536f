using Naqil.Agencies.Regulator;
using Naqil.Agencies.Regulator.Numbering;
using Naqil.Agencies.Regulator.Portability;
using Naqil.Agencies.Regulator.Storage;
using Naqil.Tests.Shared;

namespace Naqil.Agencies.Tests.Regulator.Storage;

/// <summary>The store itself, on each kind: its transactions, without the service's own serialisation in front of them.</summary>
public abstract class RegulatorStoreTests(StoreKind kind) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _directory = new();
    private readonly string _database = $"naqil_regulator_{Guid.NewGuid():N}";
    private RegulatorStorageOptions _options = null!;

    public async ValueTask InitializeAsync()
    {
        _options = kind == StoreKind.Sqlite
            ? new RegulatorStorageOptions { DatabaseFile = Path.Combine(_directory.Path, "regulator.db") }
            : new RegulatorStorageOptions { Storage = "postgresql", ConnectionString = await TestPostgres.CreateDatabaseAsync(_database) };
    }

    public async ValueTask DisposeAsync()
    {
        _directory.Dispose();
        if (kind == StoreKind.Postgres)
        {
            await TestPostgres.DropDatabaseAsync(_database);
        }
    }

    private async Task<IRegulatorStore> OpenAsync(string country = "SY")
    {
        var store = _options.CreateStore();
        await store.InitializeAsync(country, TestContext.Current.CancellationToken);
        return store;
    }

    /// <summary>Eight writers read one validated request and each tries to accept it: the store's lock lets exactly one see it validated.</summary>
    [Fact]
    public async Task Write_ConcurrentChangesOfOneRequest_ExactlyOneSeesTheStateItChanges()
    {
        using var store = await OpenAsync();
        var seq = await store.WriteAsync(WriteScope.Ports, async d =>
            (await d.InsertPortAsync(new PortRequest("", 963944123456, "SYRIATEL", "MTN", PortState.Validated, null, Now, Now.AddHours(48), null, Now)), true), TestContext.Current.CancellationToken);

        var writers = Enumerable.Range(0, 8).Select(i => Task.Run(() => store.WriteAsync(WriteScope.Ports, async d =>
        {
            var request = await d.PortAsync(seq);
            if (request!.State != PortState.Validated)
            {
                return (false, false);
            }

            await d.UpdatePortAsync(seq, request with { State = PortState.Accepted, Updated = Now.AddMinutes(i) });
            await d.AddPortStepAsync(seq, new PortStep("", PortState.Validated, PortState.Accepted, $"writer-{i}", Now, null));
            return (true, true);
        }, TestContext.Current.CancellationToken)));
        var won = await Task.WhenAll(writers);

        Assert.Single(won, w => w);
        var steps = await store.ReadAsync(d => d.PortHistoryAsync(seq), TestContext.Current.CancellationToken);
        Assert.Single(steps);
    }

    [Fact]
    public async Task Write_NotCommitted_StoresNothing()
    {
        using var store = await OpenAsync();

        await store.WriteAsync(WriteScope.Plan, async d =>
        {
            await d.InsertBlockAsync(new NumberBlock("94", 9, NumberType.Mobile, null, BlockState.Free, null, Now));
            return (0, false);
        }, TestContext.Current.CancellationToken);

        Assert.Empty(await store.ReadAsync(d => d.BlocksAsync(), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task OneOpenRequestPerNumber_IsAlsoTheStoresOwnRule()
    {
        using var store = await OpenAsync();
        var request = new PortRequest("", 963944123456, "SYRIATEL", "MTN", PortState.Validated, null, Now, Now.AddHours(48), null, Now);
        await store.WriteAsync(WriteScope.Ports, async d => (await d.InsertPortAsync(request), true), TestContext.Current.CancellationToken);

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
            store.WriteAsync(WriteScope.Ports, async d => (await d.InsertPortAsync(request with { Recipient = "WAFA" }), true), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Restart_TheIndexIsLoadedFromTheStore()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now);
        using (var store = await OpenAsync())
        {
            var regulator = new RegulatorService(Regulators.Syria, store, time);
            await regulator.InitializeAsync(TestContext.Current.CancellationToken);
            await SyntheticRegister.SeedAsync(regulator, TestContext.Current.CancellationToken);
        }

        using var reopened = _options.CreateStore();
        var again = new RegulatorService(Regulators.Syria, reopened, time);
        await again.InitializeAsync(TestContext.Current.CancellationToken);

        var found = again.Lookup(SyntheticRegister.ExamplePortedNumber);
        Assert.Equal("SYRIATEL", found.ServingOperator);
        Assert.Equal("MTN", found.Block!.Holder);
        Assert.Equal(6, again.Index.PortedCount);
        Assert.Equal((await reopened.ReadAsync(d => d.BlocksAsync(), TestContext.Current.CancellationToken)).Count, again.Index.BlockCount);
    }

    [Fact]
    public async Task Initialize_ADatabaseOfAnotherCountry_IsRefused()
    {
        using (await OpenAsync("SY"))
        {
        }

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => OpenAsync("IQ"));
        Assert.Contains("belongs to the regulator of SY", e.Message, StringComparison.Ordinal);
    }
}

public sealed class SqliteRegulatorStoreTests() : RegulatorStoreTests(StoreKind.Sqlite);

public sealed class PostgresRegulatorStoreTests() : RegulatorStoreTests(StoreKind.Postgres);

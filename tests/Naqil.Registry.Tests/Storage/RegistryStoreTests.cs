using Naqil.Identifiers;
using Naqil.Registry.Storage;

namespace Naqil.Registry.Tests.Storage;

/// <summary>
/// What every <see cref="IRegistryStore"/> must do; a PostgreSQL store gets the same tests by
/// deriving from this class.
/// </summary>
public abstract class RegistryStoreContract : IAsyncLifetime
{
    private static readonly MemberId Civreg = MemberId.Parse("SY/GOV/CIVREG");
    private static readonly SubsystemId Registry = SubsystemId.Parse("SY/GOV/CIVREG/registry");
    private static readonly ServiceId Persons = ServiceId.Parse("SY/GOV/CIVREG/registry/persons");

    private IRegistryStore _store = null!;

    private protected IRegistryStore Store => _store;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _store = CreateStore();
        await _store.InitializeAsync("SY", Ct);
    }

    public virtual ValueTask DisposeAsync()
    {
        (_store as IDisposable)?.Dispose();
        return ValueTask.CompletedTask;
    }

    private protected abstract IRegistryStore CreateStore();

    [Fact]
    public async Task Writes_ReportOutcome_AndBumpSerialOnlyOnChange()
    {
        var created = await Store.PutMemberAsync(new MemberRecord(Civreg, "Civil registry"), Ct);
        var unchanged = await Store.PutMemberAsync(new MemberRecord(Civreg, "Civil registry"), Ct);
        var updated = await Store.PutMemberAsync(new MemberRecord(Civreg, "Civil registry directorate"), Ct);
        var deleted = await Store.DeleteMemberAsync(Civreg, Ct);
        var missing = await Store.DeleteMemberAsync(Civreg, Ct);

        Assert.Equal(new StoreResult(StoreOutcome.Created, 1), created);
        Assert.Equal(new StoreResult(StoreOutcome.Unchanged, 1), unchanged);
        Assert.Equal(new StoreResult(StoreOutcome.Updated, 2), updated);
        Assert.Equal(new StoreResult(StoreOutcome.Deleted, 3), deleted);
        Assert.Equal(new StoreResult(StoreOutcome.NotFound, 3), missing);
        Assert.Equal(3, await Store.GetSerialAsync(Ct));
    }

    [Fact]
    public async Task Children_RequireTheirParent()
    {
        Assert.Equal(StoreOutcome.ParentNotFound, (await Store.PutSubsystemAsync(Registry, Ct)).Outcome);
        Assert.Equal(StoreOutcome.ParentNotFound, (await Store.PutGatewayAsync(Gateway(), Ct)).Outcome);
        await Store.PutMemberAsync(new MemberRecord(Civreg, "Civil registry"), Ct);
        Assert.Equal(StoreOutcome.ParentNotFound, (await Store.PutServiceAsync(new ServiceRecord(Persons, true, null, null), Ct)).Outcome);
        Assert.Equal(1, await Store.GetSerialAsync(Ct));
    }

    [Fact]
    public async Task DeleteMember_CascadesToSubsystemsServicesAndGateways_InOneSerial()
    {
        await Store.PutMemberAsync(new MemberRecord(Civreg, "Civil registry"), Ct);
        await Store.PutSubsystemAsync(Registry, Ct);
        await Store.PutServiceAsync(new ServiceRecord(Persons, true, "d", null), Ct);
        await Store.PutGatewayAsync(Gateway(), Ct);
        var before = await Store.GetSerialAsync(Ct);

        var deleted = await Store.DeleteMemberAsync(Civreg, Ct);

        var snapshot = await Store.ReadSnapshotAsync(Ct);
        Assert.Equal(before + 1, deleted.Serial);
        Assert.Equal(deleted.Serial, snapshot.Serial);
        Assert.Empty(snapshot.Members);
        Assert.Empty(snapshot.Subsystems);
        Assert.Empty(snapshot.Services);
        Assert.Empty(snapshot.Gateways);
    }

    [Fact]
    public async Task Gateway_SameCertificates_Unchanged_NewCertificate_Updated()
    {
        await Store.PutMemberAsync(new MemberRecord(Civreg, "Civil registry"), Ct);
        await Store.PutGatewayAsync(Gateway(), Ct);

        var same = await Store.PutGatewayAsync(Gateway(), Ct);
        var rotated = await Store.PutGatewayAsync(Gateway() with { SigningCertificate = [9, 9] }, Ct);

        Assert.Equal(StoreOutcome.Unchanged, same.Outcome);
        Assert.Equal(StoreOutcome.Updated, rotated.Outcome);
        Assert.Equal([9, 9], (await Store.ReadSnapshotAsync(Ct)).Gateways.Single().SigningCertificate);
    }

    [Fact]
    public async Task TrustedCa_AddedOnce()
    {
        Assert.Equal(StoreOutcome.Created, (await Store.EnsureTrustedCaAsync([1, 2, 3], Ct)).Outcome);
        Assert.Equal(StoreOutcome.Unchanged, (await Store.EnsureTrustedCaAsync([1, 2, 3], Ct)).Outcome);
        Assert.Equal([1, 2, 3], (await Store.ReadSnapshotAsync(Ct)).TrustedCas.Single());
    }

    [Fact]
    public async Task ConcurrentWrites_EachGetTheirOwnSerial()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Store.PutMemberAsync(new MemberRecord(MemberId.Parse($"SY/COM/M{i}"), $"Member {i}"), Ct)));

        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), results.Select(r => r.Serial).Order());
        Assert.Equal(20, (await Store.ReadSnapshotAsync(Ct)).Members.Count);
    }

    [Fact]
    public async Task Initialize_ForAnotherInstance_Refuses()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.InitializeAsync("IQ", Ct));

        Assert.Contains("belongs to instance SY", error.Message, StringComparison.Ordinal);
    }

    private static GatewayRecord Gateway() => new(Civreg, "gw1", "https://127.0.0.1:5001", [1, 2, 3], [4, 5, 6]);
}

public sealed class SqliteRegistryStoreTests : RegistryStoreContract
{
    private readonly TempDirectory _directory = new();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }

    private protected override IRegistryStore CreateStore() => new SqliteRegistryStore(Path.Combine(_directory.Path, "registry.db"));

    [Fact]
    public async Task Database_IsInWalMode()
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_directory.Path, "registry.db")}");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";

        Assert.Equal("wal", await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }
}

using Naqil.Identifiers;
using Naqil.Registry.Storage;
using Npgsql;
using Naqil.Tests.Shared;

namespace Naqil.Registry.Tests.Storage;

/// <summary>What every <see cref="IRegistryStore"/> must do; each store derives from this class.</summary>
public abstract class RegistryStoreContract : IAsyncLifetime
{
    private static readonly MemberId Civreg = MemberId.Parse("SY/GOV/CIVREG");
    private static readonly SubsystemId Registry = SubsystemId.Parse("SY/GOV/CIVREG/registry");
    private static readonly ServiceId Persons = ServiceId.Parse("SY/GOV/CIVREG/registry/persons");

    private DbRegistryStore _store = null!;

    private protected IRegistryStore Store => _store;

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
    private protected abstract DbRegistryStore CreateStore();

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
    public async Task DeleteSubsystem_CascadesToItsServices()
    {
        await Store.PutMemberAsync(new MemberRecord(Civreg, "Civil registry"), Ct);
        await Store.PutSubsystemAsync(Registry, Ct);
        await Store.PutServiceAsync(new ServiceRecord(Persons, true, null, null), Ct);

        var deleted = await Store.DeleteSubsystemAsync(Registry, Ct);

        var snapshot = await Store.ReadSnapshotAsync(Ct);
        Assert.Equal(new StoreResult(StoreOutcome.Deleted, 4), deleted);
        Assert.Empty(snapshot.Services);
        Assert.Single(snapshot.Members);
    }

    [Fact]
    public async Task Service_IsReadBackAsWritten_NullsIncluded_AndUnchangedUntilAFieldChanges()
    {
        await Store.PutMemberAsync(new MemberRecord(Civreg, "Civil registry"), Ct);
        await Store.PutSubsystemAsync(Registry, Ct);
        var bare = new ServiceRecord(Persons, false, null, null);
        var described = new ServiceRecord(Persons, true, "Persons by national id", "{\"openapi\":\"3.1.0\"}");

        var created = await Store.PutServiceAsync(bare, Ct);
        var bareRead = (await Store.ReadSnapshotAsync(Ct)).Services.Single();
        var same = await Store.PutServiceAsync(bare, Ct);
        var updated = await Store.PutServiceAsync(described, Ct);
        var describedRead = (await Store.ReadSnapshotAsync(Ct)).Services.Single();
        var sameAgain = await Store.PutServiceAsync(described, Ct);
        var personalOnly = await Store.PutServiceAsync(described with { PersonalData = false }, Ct);

        Assert.Equal(bare, bareRead);
        Assert.Equal(described, describedRead);
        Assert.Equal(
            [StoreOutcome.Created, StoreOutcome.Unchanged, StoreOutcome.Updated, StoreOutcome.Unchanged, StoreOutcome.Updated],
            new[] { created, same, updated, sameAgain, personalOnly }.Select(r => r.Outcome));
        Assert.Equal(5, personalOnly.Serial);
    }

    [Fact]
    public async Task Partner_CreatedUpdatedWhenItsAnchorOrUrlChanges_AndDeleted()
    {
        var partner = new PartnerRecord("IQ", [7, 7, 7], "https://registry.iq.example/trust/v1/config");

        var created = await Store.PutPartnerAsync(partner, Ct);
        var same = await Store.PutPartnerAsync(partner, Ct);
        var newAnchor = await Store.PutPartnerAsync(partner with { Anchor = [8, 8] }, Ct);
        var newUrl = await Store.PutPartnerAsync(partner with { Anchor = [8, 8], ConfigUrl = "https://iq.example/config" }, Ct);
        var read = (await Store.ReadSnapshotAsync(Ct)).Partners.Single();
        var deleted = await Store.DeletePartnerAsync("IQ", Ct);
        var missing = await Store.DeletePartnerAsync("IQ", Ct);

        StoreResult[] expected =
        [
            new(StoreOutcome.Created, 1), new(StoreOutcome.Unchanged, 1), new(StoreOutcome.Updated, 2),
            new(StoreOutcome.Updated, 3), new(StoreOutcome.Deleted, 4), new(StoreOutcome.NotFound, 4),
        ];
        Assert.Equal(expected, new[] { created, same, newAnchor, newUrl, deleted, missing });
        Assert.Equal(("IQ", "https://iq.example/config"), (read.Instance, read.ConfigUrl));
        Assert.Equal([8, 8], read.Anchor);
        Assert.Empty((await Store.ReadSnapshotAsync(Ct)).Partners);
    }

    [Fact]
    public async Task TwoStoresOnOneDatabase_PuttingTheSameMembersAtOnce_CreateEachOnce()
    {
        using var second = CreateStore();
        await second.InitializeAsync("SY", Ct);
        const int members = 25;

        var pairs = await Task.WhenAll(Enumerable.Range(0, members).Select(async i =>
        {
            var member = new MemberRecord(MemberId.Parse($"SY/COM/M{i}"), $"Member {i}");
            return await Task.WhenAll(Task.Run(() => Store.PutMemberAsync(member, Ct)), Task.Run(() => second.PutMemberAsync(member, Ct)));
        }));

        // Each member is read, compared and written by one store while the other waits: one
        // creates it, the other finds it unchanged, and the serial counts each member once.
        Assert.All(pairs, pair => Assert.Equal([StoreOutcome.Created, StoreOutcome.Unchanged], pair.Select(r => r.Outcome).Order()));
        Assert.Equal(Enumerable.Range(1, members).Select(i => (long)i), pairs.SelectMany(p => p).Where(r => r.Changed).Select(r => r.Serial).Order());
        Assert.Equal(members, await second.GetSerialAsync(Ct));
    }

    [Fact]
    public async Task ReadSnapshot_WhileAnotherStoreWrites_NamesExactlyItsEntries()
    {
        using var writer = CreateStore();
        await writer.InitializeAsync("SY", Ct);
        const int members = 40;
        var writes = Task.Run(async () =>
        {
            for (var i = 0; i < members; i++)
            {
                await writer.PutMemberAsync(new MemberRecord(MemberId.Parse($"SY/COM/M{i:D2}"), $"Member {i}"), Ct);
            }
        }, Ct);

        var snapshots = new List<RegistrySnapshot>();
        while (!writes.IsCompleted)
        {
            snapshots.Add(await Store.ReadSnapshotAsync(Ct));
        }

        await writes;
        snapshots.Add(await Store.ReadSnapshotAsync(Ct));

        // Every write creates one member, so a snapshot whose reads straddled a commit would hold
        // one member more (or fewer) than its serial says.
        Assert.All(snapshots, s => Assert.Equal(s.Serial, s.Members.Count));
        Assert.Equal(members, snapshots[^1].Serial);
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

    private protected override DbRegistryStore CreateStore() => new SqliteRegistryStore(Path.Combine(_directory.Path, "registry.db"));

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

public sealed class PostgresRegistryStoreTests : RegistryStoreContract
{
    private readonly string _database = $"naqil_registry_{Guid.NewGuid():N}";
    private string? _connectionString;

    public override async ValueTask InitializeAsync()
    {
        _connectionString = await TestPostgres.CreateDatabaseAsync(_database);
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(_database);
    }

    private protected override DbRegistryStore CreateStore() => new PostgresRegistryStore(_connectionString!);

    [Fact]
    public async Task Initialize_ForAnotherInstance_NamesTheDatabaseButNotThePassword()
    {
        using var store = new PostgresRegistryStore(_connectionString + ";Password=hunter2-secret");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.InitializeAsync("IQ", Ct));

        Assert.Contains($"'{_database}' on {new NpgsqlConnectionStringBuilder(_connectionString).Host} belongs to instance SY, not IQ; point Registry:ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }
}

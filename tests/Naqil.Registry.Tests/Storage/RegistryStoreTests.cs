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
    private static readonly MemberId Post = MemberId.Parse("SY/GOV/POST");
    private static readonly SubsystemId Ems = SubsystemId.Parse("SY/GOV/POST/ems");
    private static readonly ServiceId Items = ServiceId.Parse("SY/GOV/POST/ems/items");
    private static readonly SubsystemId IraqiEms = SubsystemId.Parse("IQ/GOV/POST/ems");

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

    [Fact]
    public async Task Topic_IsReadBackAsWritten_AndUnchangedUntilAFieldChanges()
    {
        await Store.PutMemberAsync(new MemberRecord(Post, "Syrian Post"), Ct);
        Assert.Equal(StoreOutcome.ParentNotFound, (await Store.PutTopicAsync(new TopicRecord(Items, false, null, null), Ct)).Outcome);
        await Store.PutSubsystemAsync(Ems, Ct);
        var topic = new TopicRecord(Items, true, "EMS item events", """{"type":"object"}""");

        var created = await Store.PutTopicAsync(topic, Ct);
        var same = await Store.PutTopicAsync(topic, Ct);
        var updated = await Store.PutTopicAsync(topic with { JsonSchema = null }, Ct);

        Assert.Equal(StoreOutcome.Created, created.Outcome);
        Assert.Equal(new StoreResult(StoreOutcome.Unchanged, created.Serial), same);
        Assert.Equal(new StoreResult(StoreOutcome.Updated, created.Serial + 1), updated);
        Assert.Equal(topic with { JsonSchema = null }, Assert.Single((await Store.ReadSnapshotAsync(Ct)).Topics));
    }

    [Fact]
    public async Task TopicAndService_NeverShareAnIdentifier()
    {
        await Store.PutMemberAsync(new MemberRecord(Post, "Syrian Post"), Ct);
        await Store.PutSubsystemAsync(Ems, Ct);
        await Store.PutServiceAsync(new ServiceRecord(Items, false, null, null), Ct);
        var tracking = ServiceId.Parse("SY/GOV/POST/ems/tracking");
        await Store.PutTopicAsync(new TopicRecord(tracking, false, null, null), Ct);
        var serial = await Store.GetSerialAsync(Ct);

        Assert.Equal(new StoreResult(StoreOutcome.IdentifierTaken, serial), await Store.PutTopicAsync(new TopicRecord(Items, false, null, null), Ct));
        Assert.Equal(new StoreResult(StoreOutcome.IdentifierTaken, serial), await Store.PutServiceAsync(new ServiceRecord(tracking, false, null, null), Ct));
    }

    [Fact]
    public async Task Subscription_NeedsItsTopicAndAKnownSubscriber_AndIsCreatedOnce()
    {
        await Store.PutMemberAsync(new MemberRecord(Post, "Syrian Post"), Ct);
        await Store.PutSubsystemAsync(Ems, Ct);
        var local = new SubscriptionRecord(Items, Ems);
        var foreign = new SubscriptionRecord(Items, IraqiEms);

        Assert.Equal(StoreOutcome.ParentNotFound, (await Store.PutSubscriptionAsync(local, "SY", Ct)).Outcome);
        await Store.PutTopicAsync(new TopicRecord(Items, false, null, null), Ct);
        Assert.Equal(StoreOutcome.ReferenceNotFound, (await Store.PutSubscriptionAsync(new SubscriptionRecord(Items, Registry), "SY", Ct)).Outcome);
        Assert.Equal(StoreOutcome.ReferenceNotFound, (await Store.PutSubscriptionAsync(foreign, "SY", Ct)).Outcome);
        await Store.PutPartnerAsync(new PartnerRecord("IQ", [7], "https://registry.iq.example/trust/v1/config"), Ct);
        var before = await Store.GetSerialAsync(Ct);

        var createdLocal = await Store.PutSubscriptionAsync(local, "SY", Ct);
        var createdForeign = await Store.PutSubscriptionAsync(foreign, "SY", Ct);
        var again = await Store.PutSubscriptionAsync(foreign, "SY", Ct);

        Assert.Equal(new StoreResult(StoreOutcome.Created, before + 1), createdLocal);
        Assert.Equal(new StoreResult(StoreOutcome.Created, before + 2), createdForeign);
        Assert.Equal(new StoreResult(StoreOutcome.Unchanged, before + 2), again);
        Assert.Equal([foreign, local], (await Store.ReadSnapshotAsync(Ct)).Subscriptions);
        Assert.Equal(new StoreResult(StoreOutcome.Deleted, before + 3), await Store.DeleteSubscriptionAsync(local, Ct));
        Assert.Equal(new StoreResult(StoreOutcome.NotFound, before + 3), await Store.DeleteSubscriptionAsync(local, Ct));
    }

    [Theory]
    [InlineData("member")]
    [InlineData("publisher subsystem")]
    [InlineData("topic")]
    public async Task DeletingThePublisher_CascadesToTopicsAndSubscriptions_InOneSerial(string deleted)
    {
        await SeedSubscriptionsAsync();
        var before = await Store.GetSerialAsync(Ct);

        var result = deleted switch
        {
            "member" => await Store.DeleteMemberAsync(Post, Ct),
            "publisher subsystem" => await Store.DeleteSubsystemAsync(Ems, Ct),
            _ => await Store.DeleteTopicAsync(Items, Ct),
        };

        var snapshot = await Store.ReadSnapshotAsync(Ct);
        Assert.Equal(new StoreResult(StoreOutcome.Deleted, before + 1), result);
        Assert.Equal(result.Serial, snapshot.Serial);
        Assert.Empty(snapshot.Topics);
        Assert.Empty(snapshot.Subscriptions);
    }

    [Theory]
    [InlineData("subscriber member")]
    [InlineData("subscriber subsystem")]
    [InlineData("partner")]
    public async Task DeletingASubscriber_CascadesToItsSubscriptionsOnly(string deleted)
    {
        await SeedSubscriptionsAsync();

        var result = deleted switch
        {
            "subscriber member" => await Store.DeleteMemberAsync(Civreg, Ct),
            "subscriber subsystem" => await Store.DeleteSubsystemAsync(Registry, Ct),
            _ => await Store.DeletePartnerAsync("IQ", Ct),
        };

        var snapshot = await Store.ReadSnapshotAsync(Ct);
        Assert.Equal(StoreOutcome.Deleted, result.Outcome);
        Assert.Equal(Items, Assert.Single(snapshot.Topics).Id);
        var gone = deleted == "partner" ? IraqiEms : Registry;
        Assert.Equal(2, snapshot.Subscriptions.Count);
        Assert.DoesNotContain(snapshot.Subscriptions, s => s.Subscriber == gone);
    }

    /// <summary>SY/GOV/POST/ems/items with three subscribers: the publisher itself, CIVREG's registry and IQ's post.</summary>
    private async Task SeedSubscriptionsAsync()
    {
        await Store.PutMemberAsync(new MemberRecord(Post, "Syrian Post"), Ct);
        await Store.PutSubsystemAsync(Ems, Ct);
        await Store.PutMemberAsync(new MemberRecord(Civreg, "Civil registry"), Ct);
        await Store.PutSubsystemAsync(Registry, Ct);
        await Store.PutPartnerAsync(new PartnerRecord("IQ", [7], "https://registry.iq.example/trust/v1/config"), Ct);
        await Store.PutTopicAsync(new TopicRecord(Items, false, null, null), Ct);
        foreach (var subscriber in new[] { Ems, Registry, IraqiEms })
        {
            Assert.Equal(StoreOutcome.Created, (await Store.PutSubscriptionAsync(new SubscriptionRecord(Items, subscriber), "SY", Ct)).Outcome);
        }
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

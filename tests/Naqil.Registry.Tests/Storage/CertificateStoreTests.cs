using System.Security.Cryptography.X509Certificates;
using Naqil.Registry.Storage;
using Naqil.Tests.Shared;

namespace Naqil.Registry.Tests.Storage;

/// <summary>What every <see cref="ICertificateStore"/> must do; each store derives from this class.</summary>
public abstract class CertificateStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly List<DbRegistryStore> _stores = [];

    private protected ICertificateStore Store { get; private set; } = null!;

    private protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public virtual async ValueTask InitializeAsync() => Store = await OpenAsync();

    public virtual ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>A store on the test's data; a second call opens another store on the same data, as a second process would.</summary>
    private protected abstract DbRegistryStore CreateStore();

    [Fact]
    public async Task RecordIssued_OncePerIssuerAndSerial_FoundWithItsFields_CatalogueSerialUnmoved()
    {
        var seal = Issued("seal", "0A1B", "seal", member: "SY/GOV/CIVREG");

        Assert.True(await Store.RecordIssuedAsync(seal, Ct));
        Assert.False(await Store.RecordIssuedAsync(seal with { Subject = "CN=another" }, Ct));
        Assert.True(await Store.RecordIssuedAsync(Issued("gateway", "0A1B", "tls"), Ct));

        var found = await Store.FindIssuedAsync("seal", "0A1B", Ct);
        Assert.NotNull(found);
        Assert.Null(found.Revocation);
        Assert.Equal(("seal", "0A1B", "seal", "CN=Civil registry", "SY/GOV/CIVREG"), (found.Certificate.Issuer, found.Certificate.Serial, found.Certificate.Kind, found.Certificate.Subject, found.Certificate.Member));
        Assert.Equal((Start, Start.AddDays(365)), (found.Certificate.NotBefore, found.Certificate.NotAfter));
        Assert.Equal(seal.Certificate, found.Certificate.Certificate);
        Assert.Null(await Store.FindIssuedAsync("seal", "0A1C", Ct));
        Assert.Equal(0, await ((IRegistryStore)Store).GetSerialAsync(Ct));
    }

    [Fact]
    public async Task ListIssued_ByIssuerThenExpiry_WithRevocations()
    {
        await Store.RecordIssuedAsync(Issued("seal", "01", "seal", days: 10), Ct);
        await Store.RecordIssuedAsync(Issued("gateway", "02", "tls", days: 30), Ct);
        await Store.RecordIssuedAsync(Issued("gateway", "03", "signing", days: 20), Ct);
        await Store.RevokeAsync("gateway", "02", new RevocationRecord(Start.AddHours(1), X509RevocationReason.Superseded), Ct);

        var listed = await Store.ListIssuedAsync(Ct);

        Assert.Equal(["gateway/03", "gateway/02", "seal/01"], listed.Select(e => $"{e.Certificate.Issuer}/{e.Certificate.Serial}"));
        Assert.Equal([null, X509RevocationReason.Superseded, null], listed.Select(e => e.Revocation?.Reason));
    }

    [Fact]
    public async Task Revoke_IsFinal_TheFirstTimeAndReasonStay()
    {
        await Store.RecordIssuedAsync(Issued("gateway", "0A", "tls"), Ct);
        var first = new RevocationRecord(Start.AddHours(1).AddMilliseconds(400), X509RevocationReason.KeyCompromise);

        var unknown = await Store.RevokeAsync("gateway", "0B", first, Ct);
        var otherIssuer = await Store.RevokeAsync("seal", "0A", first, Ct);
        var revoked = await Store.RevokeAsync("gateway", "0A", first, Ct);
        var again = await Store.RevokeAsync("gateway", "0A", new RevocationRecord(Start.AddHours(2), X509RevocationReason.Superseded), Ct);

        Assert.Equal((StoreOutcome.NotFound, null), unknown);
        Assert.Equal((StoreOutcome.NotFound, null), otherIssuer);
        var kept = new RevocationRecord(Start.AddHours(1), X509RevocationReason.KeyCompromise);
        Assert.Equal(StoreOutcome.Created, revoked.Outcome);
        Assert.Equal(kept, revoked.Entry!.Revocation);
        Assert.Equal(StoreOutcome.Unchanged, again.Outcome);
        Assert.Equal(kept, again.Entry!.Revocation);
        Assert.Equal(kept, (await Store.FindIssuedAsync("gateway", "0A", Ct))!.Revocation);
        Assert.Equal(new RevokedCertificate("0A", kept), Assert.Single(await Store.ListRevokedAsync("gateway", Ct)));
        Assert.Empty(await Store.ListRevokedAsync("seal", Ct));
        Assert.Equal((1, 0), (await Store.CountRevokedAsync("gateway", Ct), await Store.CountRevokedAsync("seal", Ct)));
    }

    [Fact]
    public async Task Revocations_SeenByAnotherStoreOnTheSameData()
    {
        await Store.RecordIssuedAsync(Issued("seal", "0C", "seal"), Ct);
        await Store.RevokeAsync("seal", "0C", new RevocationRecord(Start, X509RevocationReason.CessationOfOperation), Ct);

        var second = await OpenAsync();

        Assert.Equal(X509RevocationReason.CessationOfOperation, (await second.FindIssuedAsync("seal", "0C", Ct))!.Revocation!.Reason);
        Assert.Equal(1, await second.CountRevokedAsync("seal", Ct));
    }

    [Fact]
    public async Task CrlNumbers_StartAtOne_GrowPerIssuer_AcrossStores_AndNeverRepeat()
    {
        Assert.Equal(1, await Store.NextCrlNumberAsync("gateway", Ct));
        Assert.Equal(2, await Store.NextCrlNumberAsync("gateway", Ct));
        Assert.Equal(1, await Store.NextCrlNumberAsync("seal", Ct));

        var second = await OpenAsync();
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? Store : second).NextCrlNumberAsync("gateway", Ct)));

        Assert.Equal(Enumerable.Range(3, 10).Select(n => (long)n), concurrent.Order());
    }

    private async Task<ICertificateStore> OpenAsync()
    {
        var store = CreateStore();
        _stores.Add(store);
        await store.InitializeAsync("SY", Ct);
        return store;
    }

    private static IssuedCertificateRecord Issued(string issuer, string serial, string kind, string? member = null, int days = 365) =>
        new(issuer, serial, kind, "CN=Civil registry", member, Start, Start.AddDays(days), [0x30, 0x03, 0x02, 0x01, 0x01]);
}

public sealed class SqliteCertificateStoreTests : CertificateStoreContract
{
    private readonly TempDirectory _directory = new();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }

    private protected override DbRegistryStore CreateStore() => new SqliteRegistryStore(Path.Combine(_directory.Path, "registry.db"));
}

public sealed class PostgresCertificateStoreTests : CertificateStoreContract
{
    private readonly string _database = $"naqil_certificates_{Guid.NewGuid():N}";
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
}

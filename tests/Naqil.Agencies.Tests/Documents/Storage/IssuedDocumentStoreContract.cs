using Naqil.Agencies.Documents;
using Naqil.Agencies.Documents.Storage;

namespace Naqil.Agencies.Tests.Documents.Storage;

/// <summary>What every <see cref="IIssuedDocumentStore"/> must do; each store derives from this class.</summary>
public abstract class IssuedDocumentStoreContract : IAsyncLifetime
{
    private static readonly IssuedDocument Document = new(
        Guid.Parse("0197a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b"), "civil-record-extract", "SY/GOV/CIVREG", "q2bZ1k0m3n4o5p6q7r8s9t0u1v2w3x4y5z6A7B8C9D0",
        new DateTimeOffset(2026, 11, 10, 12, 0, 0, TimeSpan.FromHours(3)), "36B4D21FC6E9F0F4BB98FD81", "CN=Naqil Test Seal CA, O=Naqil, C=SY");

    private IIssuedDocumentStore _store = null!;

    private protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public virtual async ValueTask InitializeAsync()
    {
        _store = CreateStore();
        await _store.InitializeAsync(Ct);
    }

    public virtual ValueTask DisposeAsync()
    {
        _store?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A store on the test's data; a second call opens another store on the same data, as a second process would.</summary>
    private protected abstract IIssuedDocumentStore CreateStore();

    [Fact]
    public async Task Record_ThenFind_ReturnsEveryFieldWithItsOffset()
    {
        await _store.RecordAsync(Document, Ct);

        var found = await _store.FindAsync(Document.Id, Ct);

        Assert.Equal(Document, found);
        Assert.Equal(TimeSpan.FromHours(3), found!.Issued.Offset);
    }

    [Fact]
    public async Task Find_UnknownId_Null()
    {
        await _store.RecordAsync(Document, Ct);

        Assert.Null(await _store.FindAsync(Guid.Parse("0197a1b2-3c4d-7e5f-8a9b-0c1d2e3f4a5c"), Ct));
    }

    [Fact]
    public async Task Record_SameIdTwice_Refused_FirstKept()
    {
        await _store.RecordAsync(Document, Ct);

        await Assert.ThrowsAnyAsync<Exception>(() => _store.RecordAsync(Document with { PayloadHash = "another" }, Ct));
        Assert.Equal(Document.PayloadHash, (await _store.FindAsync(Document.Id, Ct))!.PayloadHash);
    }

    [Fact]
    public async Task Record_IsDurable_AnotherStoreOnTheSameDataFindsIt()
    {
        await _store.RecordAsync(Document, Ct);

        using var again = CreateStore();
        await again.InitializeAsync(Ct);

        Assert.Equal(Document, await again.FindAsync(Document.Id, Ct));
    }
}

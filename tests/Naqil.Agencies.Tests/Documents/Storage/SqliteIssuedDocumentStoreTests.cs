using Naqil.Agencies.Documents.Storage;

namespace Naqil.Agencies.Tests.Documents.Storage;

public sealed class SqliteIssuedDocumentStoreTests : IssuedDocumentStoreContract
{
    private readonly TempDirectory _directory = new();

    private protected override IIssuedDocumentStore CreateStore() => new SqliteIssuedDocumentStore(Path.Combine(_directory.Path, "documents.db"));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }
}

using Naqil.Agencies.Postal.Storage;

namespace Naqil.Agencies.Tests.Postal.Storage;

public sealed class SqlitePostalStoreTests : PostalStoreContract
{
    private readonly TempDirectory _directory = new();

    private protected override IPostalStore CreateStore() => new SqlitePostalStore(Path.Combine(_directory.Path, "postal.db"));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }
}

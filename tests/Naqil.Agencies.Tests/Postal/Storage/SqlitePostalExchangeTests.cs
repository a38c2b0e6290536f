using Naqil.Agencies.Postal.Storage;

namespace Naqil.Agencies.Tests.Postal.Storage;

public sealed class SqlitePostalExchangeTests : PostalExchangeContract
{
    private readonly TempDirectory _directory = new();

    private protected override Task<IPostalStore> CreateStoreAsync(string post) =>
        Task.FromResult<IPostalStore>(new SqlitePostalStore(Path.Combine(_directory.Path, $"{post}.db")));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }
}

using Naqil.Agencies.Postal.Storage;
using Naqil.Tests.Shared;

namespace Naqil.Agencies.Tests.Postal.Storage;

/// <summary>The exchange on the PostgreSQL server of <c>NAQIL_TEST_POSTGRES</c>, a database per post per test.</summary>
public sealed class PostgresPostalExchangeTests : PostalExchangeContract
{
    private readonly string _prefix = $"naqil_postal_{Guid.NewGuid():N}";
    private readonly Dictionary<string, string> _databases = [];

    private protected override async Task<IPostalStore> CreateStoreAsync(string post)
    {
        if (!_databases.TryGetValue(post, out var connectionString))
        {
            connectionString = await TestPostgres.CreateDatabaseAsync($"{_prefix}_{post}");
            _databases[post] = connectionString;
        }

        return new PostgresPostalStore(connectionString);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var post in _databases.Keys)
        {
            await TestPostgres.DropDatabaseAsync($"{_prefix}_{post}");
        }
    }
}

using Naqil.Agencies.Postal.Storage;
using Naqil.Tests.Shared;

namespace Naqil.Agencies.Tests.Postal.Storage;

/// <summary>The contract on the PostgreSQL server of <c>NAQIL_TEST_POSTGRES</c>, one database per test.</summary>
public sealed class PostgresPostalStoreTests : PostalStoreContract
{
    private readonly string _database = $"naqil_postal_{Guid.NewGuid():N}";
    private string _connectionString = "";

    public override async ValueTask InitializeAsync()
    {
        _connectionString = await TestPostgres.CreateDatabaseAsync(_database);
        await base.InitializeAsync();
    }

    private protected override IPostalStore CreateStore() => new PostgresPostalStore(_connectionString);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(_database);
    }
}

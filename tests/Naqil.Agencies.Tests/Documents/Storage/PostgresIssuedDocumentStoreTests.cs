using Naqil.Agencies.Documents.Storage;
using Naqil.Tests.Shared;

namespace Naqil.Agencies.Tests.Documents.Storage;

/// <summary>The contract on the PostgreSQL server of <c>NAQIL_TEST_POSTGRES</c>, one database per test.</summary>
public sealed class PostgresIssuedDocumentStoreTests : IssuedDocumentStoreContract
{
    private readonly string _database = $"naqil_documents_{Guid.NewGuid():N}";
    private string _connectionString = "";

    public override async ValueTask InitializeAsync()
    {
        _connectionString = await TestPostgres.CreateDatabaseAsync(_database);
        await base.InitializeAsync();
    }

    private protected override IIssuedDocumentStore CreateStore() => new PostgresIssuedDocumentStore(_connectionString);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(_database);
    }
}

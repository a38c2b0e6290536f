namespace Naqil.Agencies.Documents.Storage;

/// <summary>The durable record of issued documents: written once per document, read by id.</summary>
public interface IIssuedDocumentStore : IDisposable
{
    /// <summary>Creates the table if it is missing; call once before use.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Records a document; an id recorded before is an error (ids are fresh UUIDs).</summary>
    Task RecordAsync(IssuedDocument document, CancellationToken cancellationToken);

    Task<IssuedDocument?> FindAsync(Guid id, CancellationToken cancellationToken);
}

/// <summary>Where the issued-documents record is kept: a SQLite file (the default) or a PostgreSQL database.</summary>
public sealed record IssuedDocumentStorageOptions
{
    public string Storage { get; init; } = "sqlite";

    /// <summary>The SQLite file, when <see cref="Storage"/> is <c>sqlite</c>.</summary>
    public string DatabaseFile { get; init; } = "";

    /// <summary>The PostgreSQL connection string, when <see cref="Storage"/> is <c>postgresql</c>.</summary>
    public string ConnectionString { get; init; } = "";

    public IIssuedDocumentStore CreateStore() => Storage switch
    {
        "sqlite" when DatabaseFile.Length > 0 => new SqliteIssuedDocumentStore(DatabaseFile),
        "postgresql" when ConnectionString.Length > 0 => new PostgresIssuedDocumentStore(ConnectionString),
        "sqlite" => throw new InvalidOperationException("the issued-documents store 'sqlite' needs DatabaseFile, the path of its SQLite file"),
        "postgresql" => throw new InvalidOperationException("the issued-documents store 'postgresql' needs ConnectionString"),
        _ => throw new InvalidOperationException($"the issued-documents store '{Storage}' is unknown; use sqlite or postgresql"),
    };
}

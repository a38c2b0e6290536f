using System.Data.Common;
using System.Globalization;
using static Naqil.Agencies.Storage.AgencyDb;

namespace Naqil.Agencies.Documents.Storage;

/// <summary>
/// The <c>issued_documents</c> table over ADO.NET, the same SQL on SQLite and PostgreSQL. Times are
/// kept as ISO 8601 text with their offset; ids as their lower-case "D" text.
/// </summary>
internal abstract class DbIssuedDocumentStore : IIssuedDocumentStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS issued_documents (
            id TEXT PRIMARY KEY,
            type TEXT NOT NULL,
            issuer TEXT NOT NULL,
            payload_hash TEXT NOT NULL,
            issued TEXT NOT NULL,
            seal_serial TEXT NOT NULL,
            seal_issuer TEXT NOT NULL);
        """;

    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    protected virtual Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    protected virtual Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await PrepareAsync(connection, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockSchemaAsync(connection, transaction, cancellationToken);
        await ExecuteAsync(connection, transaction, Schema, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task RecordAsync(IssuedDocument document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null,
            "INSERT INTO issued_documents (id, type, issuer, payload_hash, issued, seal_serial, seal_issuer) VALUES (@id, @type, @issuer, @hash, @issued, @serial, @sealIssuer);",
            cancellationToken, ("id", document.Id.ToString("D")), ("type", document.Type), ("issuer", document.Issuer), ("hash", document.PayloadHash),
            ("issued", document.Issued.ToString("o", CultureInfo.InvariantCulture)), ("serial", document.SealSerial), ("sealIssuer", document.SealIssuer));
    }

    public async Task<IssuedDocument?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "SELECT id, type, issuer, payload_hash, issued, seal_serial, seal_issuer FROM issued_documents WHERE id = @id;", ("id", id.ToString("D")));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new IssuedDocument(Guid.ParseExact(reader.GetString(0), "D"), reader.GetString(1), reader.GetString(2), reader.GetString(3),
            DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind), reader.GetString(5), reader.GetString(6));
    }

    protected static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public void Dispose()
    {
        DisposeCore();
        GC.SuppressFinalize(this);
    }

    protected abstract void DisposeCore();
}

using System.Data.Common;
using System.Globalization;
using Naqil.Agencies.Storage;
using static Naqil.Agencies.Storage.AgencyDb;

namespace Naqil.Agencies.Postal.Storage;

/// <summary>
/// The post's tables over ADO.NET, shared by the SQLite and PostgreSQL stores. An item row keeps
/// its current status and office so listings need no scan of the events; each event keeps its
/// time as written (with its offset) and as UTC milliseconds for ordering and duplicates. Events
/// to publish wait in <c>publications</c>, written in the same transaction as the event.
/// </summary>
internal abstract class DbPostalStore : IPostalStore
{
    protected const string Schema = """
        CREATE TABLE IF NOT EXISTS postal_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            country TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS items (
            id TEXT PRIMARY KEY,
            destination TEXT NOT NULL,
            status TEXT NOT NULL,
            office TEXT NOT NULL,
            last_time TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS items_office_status ON items (office, status);
        CREATE TABLE IF NOT EXISTS item_events (
            item TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            code TEXT NOT NULL,
            office TEXT NOT NULL,
            time TEXT NOT NULL,
            utc_ms BIGINT NOT NULL,
            PRIMARY KEY (item, seq),
            UNIQUE (item, code, office, utc_ms));
        CREATE TABLE IF NOT EXISTS publications (
            seq @@SEQ@@,
            naqil_id TEXT NOT NULL UNIQUE,
            item TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
            code TEXT NOT NULL,
            body TEXT NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            queued TEXT NOT NULL,
            updated TEXT);
        CREATE INDEX IF NOT EXISTS publications_state ON publications (state, seq);
        """;

    private const string PublicationColumns = "seq, naqil_id, item, code, body, state, attempts, last_error, queued, updated";

    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Begins a transaction that holds the item's change lock from before its first read until its commit.</summary>
    protected abstract Task<DbTransaction> BeginChangeAsync(DbConnection connection, CancellationToken cancellationToken);

    protected virtual Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    protected virtual Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Locks one item's row (or, for an item not yet stored, the right to create it) inside a change.</summary>
    protected virtual Task LockItemAsync(DbConnection connection, DbTransaction transaction, S10Id id, CancellationToken cancellationToken) => Task.CompletedTask;

    protected abstract string SchemaSql { get; }

    protected abstract string Describe();

    public async Task InitializeAsync(string country, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await PrepareAsync(connection, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockSchemaAsync(connection, transaction, cancellationToken);
        await ExecuteAsync(connection, transaction, SchemaSql, cancellationToken);
        if (await ClaimOwnerAsync(connection, transaction, "postal_state", "country", country, cancellationToken) is var stored && stored != country)
        {
            throw new InvalidOperationException($"The postal database {Describe()} belongs to the post of {stored}, not {country}; give each post its own database.");
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<TrackedItem?> GetAsync(S10Id id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ReadItemAsync(connection, null, id, cancellationToken);
    }

    public async Task<IReadOnlyList<ItemSummary>> ListAsync(string? office, string? status, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var items = new List<ItemSummary>();
        // Only the filters given: an untyped NULL parameter is an error on PostgreSQL.
        var sql = "SELECT id, destination, status, office, last_time FROM items WHERE 1 = 1"
            + (office is null ? "" : " AND office = @office")
            + (status is null ? "" : " AND status = @status")
            + " ORDER BY id LIMIT @limit;";
        await ReadAsync(connection, null, sql,
            r => items.Add(new ItemSummary(r.GetString(0), r.GetString(0)[11..], r.GetString(1), r.GetString(2), r.GetString(3), ParseTime(r.GetString(4)))),
            cancellationToken, ("office", office ?? ""), ("status", status ?? ""), ("limit", (long)limit));
        return items;
    }

    public async Task<TOutcome> ChangeAsync<TOutcome>(S10Id id, Func<TrackedItem?, StoreChange<TOutcome>> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decide);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginChangeAsync(connection, cancellationToken);
        await LockItemAsync(connection, transaction, id, cancellationToken);
        var item = await ReadItemAsync(connection, transaction, id, cancellationToken);
        var change = decide(item);
        if (change.Append is not { Count: > 0 } appended)
        {
            return change.Outcome;
        }

        var after = (item ?? new TrackedItem(id, change.CreateDestination ?? throw new InvalidOperationException("a new item needs its destination"), [])).With(appended);
        var last = after.Last!;
        var status = EmsEvents.Info(last.Code).Status;
        var lastTime = Text(last.Time);
        if (item is null)
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO items (id, destination, status, office, last_time) VALUES (@id, @destination, @status, @office, @time);",
                cancellationToken, ("id", id.Value), ("destination", after.Destination), ("status", status), ("office", last.Office), ("time", lastTime));
        }
        else
        {
            await ExecuteAsync(connection, transaction, "UPDATE items SET status = @status, office = @office, last_time = @time WHERE id = @id;",
                cancellationToken, ("id", id.Value), ("status", status), ("office", last.Office), ("time", lastTime));
        }

        var seq = (long)(item?.Events.Count ?? 0);
        foreach (var e in appended)
        {
            await ExecuteAsync(connection, transaction,
                "INSERT INTO item_events (item, seq, code, office, time, utc_ms) VALUES (@item, @seq, @code, @office, @time, @utc);",
                cancellationToken, ("item", id.Value), ("seq", seq++), ("code", e.Code.ToString()), ("office", e.Office),
                ("time", Text(e.Time)), ("utc", e.Time.ToUnixTimeMilliseconds()));
        }

        if (change.Publish is { } publish)
        {
            await ExecuteAsync(connection, transaction,
                "INSERT INTO publications (naqil_id, item, code, body, state, queued) VALUES (@id, @item, @code, @body, @state, @queued);",
                cancellationToken, ("id", publish.NaqilId.ToString("D")), ("item", id.Value), ("code", publish.Code.ToString()), ("body", publish.Body),
                ("state", StateText(PublicationState.Pending)), ("queued", Text(publish.Queued)));
        }

        await transaction.CommitAsync(cancellationToken);
        return change.Outcome;
    }

    public async Task<IReadOnlyList<Publication>> PendingPublicationsAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var publications = new List<Publication>();
        await ReadAsync(connection, null, $"SELECT {PublicationColumns} FROM publications WHERE state = @state ORDER BY seq LIMIT @limit;",
            r => publications.Add(ReadPublication(r)), cancellationToken, ("state", StateText(PublicationState.Pending)), ("limit", (long)limit));
        return publications;
    }

    public async Task<IReadOnlyList<Publication>> ListPublicationsAsync(PublicationState? state, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var publications = new List<Publication>();
        var sql = $"SELECT {PublicationColumns} FROM publications" + (state is null ? "" : " WHERE state = @state") + " ORDER BY seq DESC LIMIT @limit;";
        await ReadAsync(connection, null, sql, r => publications.Add(ReadPublication(r)), cancellationToken,
            ("state", state is { } s ? StateText(s) : ""), ("limit", (long)limit));
        return publications;
    }

    public async Task UpdatePublicationAsync(long seq, PublicationState state, string? error, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "UPDATE publications SET state = @state, attempts = attempts + 1, last_error = @error, updated = @at WHERE seq = @seq;",
            cancellationToken, ("seq", seq), ("state", StateText(state)), ("error", error), ("at", Text(at)));
    }

    private static Publication ReadPublication(DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), Enum.Parse<PublicationState>(r.GetString(5), ignoreCase: true),
        r.GetInt32(6), r.IsDBNull(7) ? null : r.GetString(7), ParseTime(r.GetString(8)), r.IsDBNull(9) ? null : ParseTime(r.GetString(9)));

    private static string StateText(PublicationState state) => state.ToString().ToLowerInvariant();

    private static string Text(DateTimeOffset time) => time.ToString("o", CultureInfo.InvariantCulture);

    private static async Task<TrackedItem?> ReadItemAsync(DbConnection connection, DbTransaction? transaction, S10Id id, CancellationToken cancellationToken)
    {
        string? destination = null;
        await ReadAsync(connection, transaction, "SELECT destination FROM items WHERE id = @id;", r => destination = r.GetString(0), cancellationToken, ("id", id.Value));
        if (destination is null)
        {
            return null;
        }

        var events = new List<ItemEvent>();
        await ReadAsync(connection, transaction, "SELECT code, office, time FROM item_events WHERE item = @id ORDER BY utc_ms, code, seq;",
            r => events.Add(new ItemEvent(Enum.Parse<EmsEventCode>(r.GetString(0)), r.GetString(1), ParseTime(r.GetString(2)))),
            cancellationToken, ("id", id.Value));
        // Stored in the order they arrived; the order by time breaks ties between the instants' sub-milliseconds too.
        return new TrackedItem(id, destination, TrackedItem.InTimeOrder(events));
    }

    private static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    protected static Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        AgencyDb.ExecuteAsync(connection, transaction, sql, cancellationToken, parameters);

    public void Dispose()
    {
        DisposeCore();
        GC.SuppressFinalize(this);
    }

    protected abstract void DisposeCore();
}

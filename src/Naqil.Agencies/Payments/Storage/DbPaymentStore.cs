using System.Data.Common;
using Naqil.Agencies.Postal;
using static Naqil.Agencies.Storage.AgencyDb;

namespace Naqil.Agencies.Payments.Storage;

/// <summary>
/// The payment service's tables over ADO.NET, shared by the SQLite and PostgreSQL stores. Balances
/// are never stored: an account's balance is the sum of its postings. Every change to an intent
/// writes the intent, its journal entry (with its postings), a refund and the idempotency key's
/// answer in one transaction. Times are Unix milliseconds.
/// </summary>
internal abstract partial class DbPaymentStore : IPaymentStore
{
    protected const string Schema = """
        CREATE TABLE IF NOT EXISTS payments_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            operator TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS accounts (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            currency TEXT NOT NULL,
            allow_negative INTEGER NOT NULL,
            name TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS intents (
            id TEXT PRIMARY KEY,
            payee_account TEXT NOT NULL REFERENCES accounts (id),
            payer_account TEXT NOT NULL REFERENCES accounts (id),
            payer_nid TEXT NOT NULL,
            amount BIGINT NOT NULL CHECK (amount > 0),
            currency TEXT NOT NULL,
            reference TEXT NOT NULL,
            description_ar TEXT NOT NULL,
            description_en TEXT NOT NULL,
            state TEXT NOT NULL,
            fee BIGINT NOT NULL,
            refunded BIGINT NOT NULL CHECK (refunded >= 0 AND refunded <= amount),
            created_by TEXT NOT NULL,
            created_ms BIGINT NOT NULL,
            expires_ms BIGINT NOT NULL,
            authorised_ms BIGINT,
            captured_ms BIGINT,
            closed_ms BIGINT,
            capture_naqil_id TEXT,
            capture_entry TEXT);
        CREATE INDEX IF NOT EXISTS intents_payee_captured ON intents (payee_account, captured_ms);
        CREATE TABLE IF NOT EXISTS journal_entries (
            seq @@SEQ@@,
            id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            intent TEXT REFERENCES intents (id),
            currency TEXT NOT NULL,
            time_ms BIGINT NOT NULL);
        CREATE INDEX IF NOT EXISTS journal_entries_intent ON journal_entries (intent);
        CREATE TABLE IF NOT EXISTS postings (
            entry TEXT NOT NULL REFERENCES journal_entries (id),
            line INTEGER NOT NULL,
            account TEXT NOT NULL REFERENCES accounts (id),
            amount BIGINT NOT NULL,
            currency TEXT NOT NULL,
            PRIMARY KEY (entry, line));
        CREATE INDEX IF NOT EXISTS postings_account ON postings (account);
        CREATE TABLE IF NOT EXISTS refunds (
            id TEXT PRIMARY KEY,
            intent TEXT NOT NULL REFERENCES intents (id),
            amount BIGINT NOT NULL CHECK (amount > 0),
            time_ms BIGINT NOT NULL,
            naqil_id TEXT,
            entry TEXT NOT NULL REFERENCES journal_entries (id));
        CREATE INDEX IF NOT EXISTS refunds_intent ON refunds (intent);
        CREATE TABLE IF NOT EXISTS idempotency (
            scope TEXT NOT NULL,
            key TEXT NOT NULL,
            request_hash TEXT NOT NULL,
            state TEXT NOT NULL,
            status INTEGER,
            content_type TEXT,
            body TEXT,
            created_ms BIGINT NOT NULL,
            PRIMARY KEY (scope, key));
        CREATE INDEX IF NOT EXISTS idempotency_created ON idempotency (created_ms);
        CREATE TABLE IF NOT EXISTS publications (
            seq @@SEQ@@,
            naqil_id TEXT NOT NULL UNIQUE,
            intent TEXT NOT NULL REFERENCES intents (id),
            kind TEXT NOT NULL,
            body TEXT NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            queued_ms BIGINT NOT NULL,
            updated_ms BIGINT);
        CREATE INDEX IF NOT EXISTS publications_state ON publications (state, seq);
        """;

    /// <summary>Orders an intent's entries as they were written (their times may share a millisecond).</summary>
    protected const string SeqPlaceholder = "@@SEQ@@";

    private const string IntentColumns = "id, payee_account, payer_account, payer_nid, amount, currency, reference, description_ar, description_en, state, fee, refunded, "
        + "created_by, created_ms, expires_ms, authorised_ms, captured_ms, closed_ms, capture_naqil_id, capture_entry";

    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Begins a transaction in which the locks below hold until its commit.</summary>
    protected abstract Task<DbTransaction> BeginChangeAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Appended to a SELECT that must lock the rows it reads (PostgreSQL's <c>FOR UPDATE</c>; SQLite's change already holds the write lock).</summary>
    protected abstract string ForUpdate { get; }

    protected virtual Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    protected virtual Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    protected abstract string SchemaSql { get; }

    protected abstract string Describe();

    public async Task InitializeAsync(string operatorId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await PrepareAsync(connection, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockSchemaAsync(connection, transaction, cancellationToken);
        await ExecuteAsync(connection, transaction, SchemaSql, cancellationToken);
        if (await ClaimOwnerAsync(connection, transaction, "payments_state", "operator", operatorId, cancellationToken) is var stored && stored != operatorId)
        {
            throw new InvalidOperationException($"The payments database {Describe()} belongs to the payment service of {stored}, not {operatorId}; give each operator its own database.");
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task EnsureAccountAsync(Account account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null,
            "INSERT INTO accounts (id, kind, currency, allow_negative, name) VALUES (@id, @kind, @currency, @negative, @name) ON CONFLICT (id) DO NOTHING;",
            cancellationToken, ("id", account.Id), ("kind", Text(account.Kind)), ("currency", account.Currency), ("negative", account.AllowNegative ? 1 : 0), ("name", account.Name));
    }

    public async Task PostIfAbsentAsync(JournalEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginChangeAsync(connection, cancellationToken);
        var exists = false;
        await ReadAsync(connection, transaction, "SELECT 1 FROM journal_entries WHERE id = @id;", _ => exists = true, cancellationToken, ("id", entry.Id));
        if (!exists)
        {
            await InsertEntryAsync(connection, transaction, entry, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<Account?> GetAccountAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        Account? account = null;
        await ReadAsync(connection, null, "SELECT id, kind, currency, allow_negative, name FROM accounts WHERE id = @id;",
            r => account = new Account(r.GetString(0), Enum.Parse<AccountKind>(r.GetString(1), ignoreCase: true), r.GetString(2), Convert.ToInt64(r.GetValue(3)) != 0, r.GetString(4)),
            cancellationToken, ("id", id));
        return account;
    }

    public async Task<long> BalanceAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await BalanceAsync(connection, null, id, cancellationToken);
    }

    public async Task<PaymentIntent?> GetIntentAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ReadIntentAsync(connection, null, id, "", cancellationToken);
    }

    public async Task<IReadOnlyList<Refund>> RefundsAsync(string intentId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var refunds = new List<Refund>();
        await ReadAsync(connection, null, "SELECT id, intent, amount, time_ms, naqil_id, entry FROM refunds WHERE intent = @intent ORDER BY time_ms, id;",
            r => refunds.Add(new Refund(r.GetString(0), r.GetString(1), r.GetInt64(2), Time(r.GetInt64(3)), r.IsDBNull(4) ? null : r.GetString(4), r.GetString(5))),
            cancellationToken, ("intent", intentId));
        return refunds;
    }

    public async Task<IReadOnlyList<JournalEntry>> EntriesAsync(string intentId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var heads = new List<(string Id, EntryKind Kind, string Currency, long Time)>();
        await ReadAsync(connection, null, "SELECT id, kind, currency, time_ms FROM journal_entries WHERE intent = @intent ORDER BY seq;",
            r => heads.Add((r.GetString(0), Enum.Parse<EntryKind>(r.GetString(1), ignoreCase: true), r.GetString(2), r.GetInt64(3))), cancellationToken, ("intent", intentId));
        var postings = new Dictionary<string, List<Posting>>(StringComparer.Ordinal);
        await ReadAsync(connection, null, "SELECT p.entry, p.account, p.amount FROM postings p JOIN journal_entries e ON e.id = p.entry WHERE e.intent = @intent ORDER BY p.entry, p.line;",
            r => (postings.TryGetValue(r.GetString(0), out var list) ? list : postings[r.GetString(0)] = []).Add(new Posting(r.GetString(1), r.GetInt64(2))),
            cancellationToken, ("intent", intentId));
        return [.. heads.Select(h => new JournalEntry(h.Id, h.Kind, intentId, h.Currency, Time(h.Time), postings.GetValueOrDefault(h.Id) ?? []))];
    }

    public async Task CreateIntentAsync(PaymentIntent intent, PaymentAnswer answer, IdempotencyClaim? claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intent);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginChangeAsync(connection, cancellationToken);
        await ExecuteAsync(connection, transaction, $"INSERT INTO intents ({IntentColumns}) VALUES (@id, @payee, @payer, @nid, @amount, @currency, @reference, @ar, @en, @state, @fee, @refunded, "
            + "@by, @created, @expires, @authorised, @captured, @closed, @naqil, @entry);", cancellationToken, IntentParameters(intent));
        if (claim is not null)
        {
            await CompleteAsync(connection, transaction, claim, answer, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<PaymentAnswer> ChangeIntentAsync(string id, IdempotencyClaim? claim, Func<PaymentIntent, string?> debited, Func<PaymentIntent?, long, IntentChange> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(debited);
        ArgumentNullException.ThrowIfNull(decide);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginChangeAsync(connection, cancellationToken);
        var intent = await ReadIntentAsync(connection, transaction, id, ForUpdate, cancellationToken);
        var balance = 0L;
        if (intent is not null && debited(intent) is { } account)
        {
            // The account's row is the lock on its balance: debits of one account run one after the other.
            await ReadAsync(connection, transaction, $"SELECT id FROM accounts WHERE id = @id{ForUpdate};", _ => { }, cancellationToken, ("id", account));
            balance = await BalanceAsync(connection, transaction, account, cancellationToken);
        }

        var change = decide(intent, balance);
        if (change.Updated is { } updated)
        {
            await ExecuteAsync(connection, transaction, "UPDATE intents SET state = @state, fee = @fee, refunded = @refunded, authorised_ms = @authorised, captured_ms = @captured, "
                + "closed_ms = @closed, capture_naqil_id = @naqil, capture_entry = @entry WHERE id = @id;", cancellationToken, IntentParameters(updated));
        }

        if (change.Entry is { } entry)
        {
            await InsertEntryAsync(connection, transaction, entry, cancellationToken);
        }

        if (change.Refund is { } refund)
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO refunds (id, intent, amount, time_ms, naqil_id, entry) VALUES (@id, @intent, @amount, @time, @naqil, @entry);",
                cancellationToken, ("id", refund.Id), ("intent", refund.IntentId), ("amount", refund.Amount), ("time", refund.Time.ToUnixTimeMilliseconds()), ("naqil", refund.NaqilId), ("entry", refund.Entry));
        }

        if (change.Publish is { } publish)
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO publications (naqil_id, intent, kind, body, state, queued_ms) VALUES (@naqil, @intent, @kind, @body, @state, @queued);",
                cancellationToken, ("naqil", publish.NaqilId), ("intent", id), ("kind", publish.Kind), ("body", publish.Body), ("state", Text(PublicationState.Pending)),
                ("queued", publish.Queued.ToUnixTimeMilliseconds()));
        }

        if (claim is not null)
        {
            await CompleteAsync(connection, transaction, claim, change.Answer, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return change.Answer;
    }

    public async Task<IReadOnlyList<Publication>> PendingPublicationsAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var publications = new List<Publication>();
        await ReadAsync(connection, null, "SELECT seq, naqil_id, intent, kind, body, state, attempts, last_error, queued_ms, updated_ms FROM publications WHERE state = @state ORDER BY seq LIMIT @limit;",
            r => publications.Add(new Publication(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), Enum.Parse<PublicationState>(r.GetString(5), ignoreCase: true),
                Convert.ToInt32(r.GetValue(6)), r.IsDBNull(7) ? null : r.GetString(7), Time(r.GetInt64(8)), OptionalTime(r, 9))),
            cancellationToken, ("state", Text(PublicationState.Pending)), ("limit", (long)limit));
        return publications;
    }

    public async Task UpdatePublicationAsync(long seq, PublicationState state, string? error, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "UPDATE publications SET state = @state, attempts = attempts + 1, last_error = @error, updated_ms = @at WHERE seq = @seq;",
            cancellationToken, ("seq", seq), ("state", Text(state)), ("error", error), ("at", at.ToUnixTimeMilliseconds()));
    }

    private static async Task<long> BalanceAsync(DbConnection connection, DbTransaction? transaction, string account, CancellationToken cancellationToken)
    {
        long balance = 0;
        await ReadAsync(connection, transaction, "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM postings WHERE account = @account;",
            r => balance = Convert.ToInt64(r.GetValue(0)), cancellationToken, ("account", account));
        return balance;
    }

    private static async Task InsertEntryAsync(DbConnection connection, DbTransaction transaction, JournalEntry entry, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, "INSERT INTO journal_entries (id, kind, intent, currency, time_ms) VALUES (@id, @kind, @intent, @currency, @time);",
            cancellationToken, ("id", entry.Id), ("kind", Text(entry.Kind)), ("intent", entry.IntentId), ("currency", entry.Currency), ("time", entry.Time.ToUnixTimeMilliseconds()));
        var line = 0;
        foreach (var posting in entry.Postings)
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO postings (entry, line, account, amount, currency) VALUES (@entry, @line, @account, @amount, @currency);",
                cancellationToken, ("entry", entry.Id), ("line", line++), ("account", posting.Account), ("amount", posting.Amount), ("currency", entry.Currency));
        }
    }

    private static async Task<PaymentIntent?> ReadIntentAsync(DbConnection connection, DbTransaction? transaction, string id, string forUpdate, CancellationToken cancellationToken)
    {
        PaymentIntent? intent = null;
        await ReadAsync(connection, transaction, $"SELECT {IntentColumns} FROM intents WHERE id = @id{forUpdate};", r => intent = new PaymentIntent(
            r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetString(5), r.GetString(6), r.GetString(7), r.GetString(8),
            Enum.Parse<IntentState>(r.GetString(9), ignoreCase: true), r.GetInt64(10), r.GetInt64(11), r.GetString(12), Time(r.GetInt64(13)), Time(r.GetInt64(14)),
            OptionalTime(r, 15), OptionalTime(r, 16), OptionalTime(r, 17), r.IsDBNull(18) ? null : r.GetString(18), r.IsDBNull(19) ? null : r.GetString(19)),
            cancellationToken, ("id", id));
        return intent;
    }

    private static (string, object?)[] IntentParameters(PaymentIntent i) =>
    [
        ("id", i.Id), ("payee", i.PayeeAccount), ("payer", i.PayerAccount), ("nid", i.PayerNationalId), ("amount", i.Amount), ("currency", i.Currency),
        ("reference", i.Reference), ("ar", i.DescriptionAr), ("en", i.DescriptionEn), ("state", Text(i.State)), ("fee", i.Fee), ("refunded", i.Refunded),
        ("by", i.CreatedBy), ("created", i.Created.ToUnixTimeMilliseconds()), ("expires", i.Expires.ToUnixTimeMilliseconds()),
        ("authorised", i.Authorised?.ToUnixTimeMilliseconds()), ("captured", i.Captured?.ToUnixTimeMilliseconds()), ("closed", i.Closed?.ToUnixTimeMilliseconds()),
        ("naqil", i.CaptureNaqilId), ("entry", i.CaptureEntry),
    ];

    private static string Text<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static DateTimeOffset? OptionalTime(DbDataReader r, int i) => r.IsDBNull(i) ? null : Time(r.GetInt64(i));

    public void Dispose()
    {
        DisposeCore();
        GC.SuppressFinalize(this);
    }

    protected abstract void DisposeCore();
}

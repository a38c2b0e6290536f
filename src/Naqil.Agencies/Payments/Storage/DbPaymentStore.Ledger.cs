using static Naqil.Agencies.Storage.AgencyDb;

namespace Naqil.Agencies.Payments.Storage;

/// <summary>The ledger's check and a payee's daily statement, each read in one snapshot.</summary>
internal abstract partial class DbPaymentStore
{
    public async Task<LedgerCheck> CheckAsync(string holdsAccount, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // One snapshot for every query, so a change committing between them cannot look like an imbalance.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        long entries = 0, postings = 0, holds = 0, authorised = 0;
        var sums = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var unbalanced = new List<string>();
        var negative = new List<string>();
        var capturedWithoutOne = new List<string>();
        var entriesWithoutCapture = new List<string>();
        await ReadAsync(connection, transaction, "SELECT COUNT(*) FROM journal_entries;", r => entries = Convert.ToInt64(r.GetValue(0)), cancellationToken);
        await ReadAsync(connection, transaction, "SELECT COUNT(*) FROM postings;", r => postings = Convert.ToInt64(r.GetValue(0)), cancellationToken);
        await ReadAsync(connection, transaction, "SELECT currency, CAST(SUM(amount) AS BIGINT) FROM postings GROUP BY currency ORDER BY currency;",
            r => sums[r.GetString(0)] = Convert.ToInt64(r.GetValue(1)), cancellationToken);
        await ReadAsync(connection, transaction, "SELECT entry FROM postings GROUP BY entry HAVING SUM(amount) <> 0 ORDER BY entry LIMIT 20;", r => unbalanced.Add(r.GetString(0)), cancellationToken);
        await ReadAsync(connection, transaction, "SELECT p.account FROM postings p JOIN accounts a ON a.id = p.account WHERE a.allow_negative = 0 GROUP BY p.account HAVING SUM(p.amount) < 0 ORDER BY p.account LIMIT 20;",
            r => negative.Add(r.GetString(0)), cancellationToken);
        // The holds of every currency: {holds} and {holds}-{currency}.
        await ReadAsync(connection, transaction, "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM postings WHERE account = @holds OR account LIKE @others;",
            r => holds = Convert.ToInt64(r.GetValue(0)), cancellationToken, ("holds", holdsAccount), ("others", holdsAccount + "-%"));
        await ReadAsync(connection, transaction, "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM intents WHERE state = 'authorised';", r => authorised = Convert.ToInt64(r.GetValue(0)), cancellationToken);
        await ReadAsync(connection, transaction, "SELECT i.id FROM intents i WHERE i.state = 'captured' AND (SELECT COUNT(*) FROM journal_entries e WHERE e.intent = i.id AND e.kind = 'capture') <> 1 ORDER BY i.id LIMIT 20;",
            r => capturedWithoutOne.Add(r.GetString(0)), cancellationToken);
        await ReadAsync(connection, transaction, "SELECT e.id FROM journal_entries e JOIN intents i ON i.id = e.intent WHERE e.kind = 'capture' AND i.state <> 'captured' ORDER BY e.id LIMIT 20;",
            r => entriesWithoutCapture.Add(r.GetString(0)), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var balanced = sums.Values.All(s => s == 0) && unbalanced.Count == 0 && negative.Count == 0 && holds == authorised && capturedWithoutOne.Count == 0 && entriesWithoutCapture.Count == 0;
        return new LedgerCheck(balanced, entries, postings, sums, unbalanced, negative, holds, authorised, capturedWithoutOne, entriesWithoutCapture);
    }

    public async Task<Statement> StatementAsync(Account account, DateOnly day, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
        var to = from + (long)TimeSpan.FromDays(1).TotalMilliseconds;
        (string, object?)[] range = [("account", account.Id), ("from", from), ("to", to)];
        long capturedCount = 0, captured = 0, fees = 0, refundedCount = 0, refunded = 0, movement = 0;
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await ReadAsync(connection, transaction, "SELECT COUNT(*), CAST(COALESCE(SUM(amount), 0) AS BIGINT), CAST(COALESCE(SUM(fee), 0) AS BIGINT) FROM intents "
            + "WHERE payee_account = @account AND captured_ms >= @from AND captured_ms < @to;",
            r => (capturedCount, captured, fees) = (Convert.ToInt64(r.GetValue(0)), Convert.ToInt64(r.GetValue(1)), Convert.ToInt64(r.GetValue(2))), cancellationToken, range);
        await ReadAsync(connection, transaction, "SELECT COUNT(*), CAST(COALESCE(SUM(r.amount), 0) AS BIGINT) FROM refunds r JOIN intents i ON i.id = r.intent "
            + "WHERE i.payee_account = @account AND r.time_ms >= @from AND r.time_ms < @to;",
            r => (refundedCount, refunded) = (Convert.ToInt64(r.GetValue(0)), Convert.ToInt64(r.GetValue(1))), cancellationToken, range);
        await ReadAsync(connection, transaction, "SELECT CAST(COALESCE(SUM(p.amount), 0) AS BIGINT) FROM postings p JOIN journal_entries e ON e.id = p.entry "
            + "WHERE p.account = @account AND e.time_ms >= @from AND e.time_ms < @to;",
            r => movement = Convert.ToInt64(r.GetValue(0)), cancellationToken, range);
        await transaction.CommitAsync(cancellationToken);
        return new Statement(account.Id, account.Currency, day, capturedCount, captured, fees, refundedCount, refunded, movement);
    }
}

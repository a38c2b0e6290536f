namespace Naqil.Agencies.Payments;

/// <summary>Where an intent is in its life: created → authorised → captured, or cancelled, or expired.</summary>
internal enum IntentState
{
    Created,
    Authorised,
    Captured,
    Cancelled,
    Expired,
}

/// <summary>What an account is for: a citizen's (a payer), an agency's (a payee), or the operator's own (holds, fees, issuance).</summary>
internal enum AccountKind
{
    Citizen,
    Payee,
    System,
}

/// <summary>An account of the ledger. Its balance is never stored: it is the sum of its postings.</summary>
internal sealed record Account(string Id, AccountKind Kind, string Currency, bool AllowNegative, string Name);

/// <summary>
/// A payment intent: who pays whom how much for what. Amounts are minor units of
/// <see cref="Currency"/>. <see cref="CaptureNaqilId"/> is the Naqil-Id of the exchange that captured
/// it, printed in the receipt.
/// </summary>
internal sealed record PaymentIntent(
    string Id,
    string PayeeAccount,
    string PayerAccount,
    string PayerNationalId,
    long Amount,
    string Currency,
    string Reference,
    string DescriptionAr,
    string DescriptionEn,
    IntentState State,
    long Fee,
    long Refunded,
    string CreatedBy,
    DateTimeOffset Created,
    DateTimeOffset Expires,
    DateTimeOffset? Authorised = null,
    DateTimeOffset? Captured = null,
    DateTimeOffset? Closed = null,
    string? CaptureNaqilId = null,
    string? CaptureEntry = null)
{
    /// <summary>True when the intent is still open (created or authorised) but its time is up.</summary>
    public bool IsDue(DateTimeOffset now) => State is IntentState.Created or IntentState.Authorised && now >= Expires;
}

/// <summary>A refund of part or all of a captured intent.</summary>
internal sealed record Refund(string Id, string IntentId, long Amount, DateTimeOffset Time, string? NaqilId, string Entry);

/// <summary>What a journal entry records.</summary>
internal enum EntryKind
{
    Funding,
    Authorisation,
    Capture,
    Release,
    Refund,
}

/// <summary>One line of a journal entry: a signed amount on an account (debits negative, credits positive).</summary>
internal sealed record Posting(string Account, long Amount);

/// <summary>A balanced journal entry: its postings sum to zero.</summary>
internal sealed record JournalEntry(string Id, EntryKind Kind, string? IntentId, string Currency, DateTimeOffset Time, IReadOnlyList<Posting> Postings)
{
    public static JournalEntry Create(string id, EntryKind kind, string? intentId, string currency, DateTimeOffset time, params Posting[] postings)
    {
        var lines = postings.Where(p => p.Amount != 0).ToArray();
        if (lines.Sum(p => p.Amount) != 0 || lines.Length < 2)
        {
            throw new InvalidOperationException($"a {kind} entry must have two or more postings summing to zero");
        }

        return new JournalEntry(id, kind, intentId, currency, time, lines);
    }
}

/// <summary>The ledger's own check: every entry and every currency sums to zero, no account that may not is below zero, holds match the authorised intents, each captured intent has one capture entry.</summary>
internal sealed record LedgerCheck(
    bool Balanced,
    long Entries,
    long Postings,
    IReadOnlyDictionary<string, long> SumByCurrency,
    IReadOnlyList<string> UnbalancedEntries,
    IReadOnlyList<string> AccountsBelowZero,
    long HoldsBalance,
    long AuthorisedTotal,
    IReadOnlyList<string> CapturedWithoutOneEntry,
    IReadOnlyList<string> EntriesWithoutCapture);

/// <summary>One payee account's day: what was captured (and the fees on it), what was refunded, and what the ledger moved.</summary>
internal sealed record Statement(string Account, string Currency, DateOnly Day, long CapturedCount, long Captured, long Fees, long RefundedCount, long Refunded, long LedgerMovement)
{
    public long Net => Captured - Fees - Refunded;
}

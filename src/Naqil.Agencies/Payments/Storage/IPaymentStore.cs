using Naqil.Agencies.Postal.Storage;

namespace Naqil.Agencies.Payments.Storage;

/// <summary>An idempotency key as a call claims it: whose key (the calling subsystem), the key, and the hash of the request it came with.</summary>
internal sealed record IdempotencyClaim(string Scope, string Key, string RequestHash);

/// <summary>What claiming a key came to.</summary>
internal enum ClaimResult
{
    /// <summary>The key is this call's: it runs, and its answer is kept with the key.</summary>
    Claimed,

    /// <summary>The same request was answered before: <see cref="ClaimOutcome.Answer"/> is that answer.</summary>
    Replay,

    /// <summary>A call with the same key and request has not finished yet.</summary>
    InFlight,

    /// <summary>The key was used with another request.</summary>
    Mismatch,
}

internal sealed record ClaimOutcome(ClaimResult Result, PaymentAnswer? Answer = null);

/// <summary>An event of the payment service to publish on its topic (a capture's receipt): its Naqil-Id, kind and body, fixed in the change's transaction.</summary>
internal sealed record OutgoingPayment(string NaqilId, string Kind, string Body, DateTimeOffset Queued);

/// <summary>What a change to an intent decided: the intent as it becomes, the journal entry, refund and event to record, and the answer.</summary>
internal sealed record IntentChange(PaymentAnswer Answer, PaymentIntent? Updated = null, JournalEntry? Entry = null, Refund? Refund = null, OutgoingPayment? Publish = null);

/// <summary>The payment service's accounts, intents, journal and idempotency keys, durable.</summary>
internal interface IPaymentStore : IPublicationQueue, IDisposable
{
    /// <summary>Creates the schema, and refuses a database made for another operator.</summary>
    Task InitializeAsync(string operatorId, CancellationToken cancellationToken);

    /// <summary>Opens <paramref name="account"/> unless an account with its id exists.</summary>
    Task EnsureAccountAsync(Account account, CancellationToken cancellationToken);

    /// <summary>Records <paramref name="entry"/> unless an entry with its id exists (a funding run again at a restart).</summary>
    Task PostIfAbsentAsync(JournalEntry entry, CancellationToken cancellationToken);

    Task<Account?> GetAccountAsync(string id, CancellationToken cancellationToken);

    /// <summary>The account's balance: the sum of its postings.</summary>
    Task<long> BalanceAsync(string id, CancellationToken cancellationToken);

    Task<PaymentIntent?> GetIntentAsync(string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<Refund>> RefundsAsync(string intentId, CancellationToken cancellationToken);

    Task<IReadOnlyList<JournalEntry>> EntriesAsync(string intentId, CancellationToken cancellationToken);

    /// <summary>
    /// Claims a key for a call, or says why not; a key left in flight longer than <paramref name="lease"/>
    /// (its call died with its process) is taken over. Keys answered before <paramref name="purgeBefore"/> are forgotten.
    /// </summary>
    Task<ClaimOutcome> ClaimAsync(IdempotencyClaim claim, DateTimeOffset now, TimeSpan lease, DateTimeOffset? purgeBefore, CancellationToken cancellationToken);

    /// <summary>Keeps a refusal given without a change as the key's answer.</summary>
    Task CompleteAsync(IdempotencyClaim claim, PaymentAnswer answer, CancellationToken cancellationToken);

    /// <summary>Lets the key go: the call failed without an answer (a 5xx), and a retry may run it.</summary>
    Task ReleaseAsync(IdempotencyClaim claim, CancellationToken cancellationToken);

    /// <summary>Stores a new intent and, with <paramref name="claim"/>, its answer as the key's, in one transaction.</summary>
    Task CreateIntentAsync(PaymentIntent intent, PaymentAnswer answer, IdempotencyClaim? claim, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the intent (locked), the balance of the account <paramref name="debited"/> names (locked),
    /// lets <paramref name="decide"/> judge them, and writes what it decided (the intent, its journal
    /// entry, a refund, the key's answer) in one transaction: two changes to one intent, or two debits
    /// of one account, never both pass a check made on the same state. An event to publish is queued in it too.
    /// </summary>
    Task<PaymentAnswer> ChangeIntentAsync(string id, IdempotencyClaim? claim, Func<PaymentIntent, string?> debited, Func<PaymentIntent?, long, IntentChange> decide, CancellationToken cancellationToken);

    Task<LedgerCheck> CheckAsync(string holdsAccount, CancellationToken cancellationToken);

    Task<Statement> StatementAsync(Account account, DateOnly day, CancellationToken cancellationToken);
}

using System.Text.Json;
using Naqil.Agencies.CivilRegistry;
using Naqil.Agencies.Payments.Money;
using Naqil.Agencies.Payments.Storage;
using Naqil.Agencies.Postal.Exchange;

namespace Naqil.Agencies.Payments;

/// <summary>Who asks, and under which exchange: the calling subsystem (<c>Naqil-Client</c>) and the exchange's <c>Naqil-Id</c>, as the gateway forwards them.</summary>
internal sealed record Caller(string Client, string? NaqilId);

/// <summary>
/// The payment service: intents and their states, the double-entry journal each movement writes,
/// receipts, refunds and statements. Every state change is decided on the intent as its store holds
/// it under lock, and written with its journal entry and its answer in one transaction
/// (<see cref="IPaymentStore.ChangeIntentAsync"/>); the decisions here are pure.
/// </summary>
internal sealed partial class PaymentService(PaymentsOptions options, IPaymentStore store, TimeProvider time, PublicationSignal? publishing = null)
{
    /// <summary>The kind of the event a capture publishes, when the service publishes on the bus.</summary>
    public const string CapturedEvent = "payment-captured";

    public const string NationalIdPrefix = "SY-NID:";

    private long _nextPurgeMs;

    public PaymentsOptions Options => options;

    public IPaymentStore Store => store;

    /// <summary>The citizen account of a national id.</summary>
    public static string CitizenAccount(string nationalId) => NationalIdPrefix + nationalId;

    /// <summary>The operator's account holding authorised amounts in <paramref name="currency"/>.</summary>
    public string HoldsAccount(string currency) => currency == Currencies.Default ? options.HoldsAccount : $"{options.HoldsAccount}-{currency}";

    public string FeesAccount(string currency) => currency == Currencies.Default ? options.FeesAccount : $"{options.FeesAccount}-{currency}";

    /// <summary>Creates the schema, the operator's accounts, the payees' and (in the sandbox) the synthetic citizens' with their opening balances.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(options.Operator, cancellationToken);
        foreach (var currency in options.Payees.Select(p => p.Currency).Append(Currencies.Default).Distinct(StringComparer.Ordinal))
        {
            var suffix = currency == Currencies.Default ? "" : $" ({currency})";
            await store.EnsureAccountAsync(new Account(HoldsAccount(currency), AccountKind.System, currency, false, "Authorised payments held / مبالغ محجوزة" + suffix), cancellationToken);
            await store.EnsureAccountAsync(new Account(FeesAccount(currency), AccountKind.System, currency, false, "Fees earned / رسوم" + suffix), cancellationToken);
        }

        foreach (var payee in options.Payees)
        {
            await store.EnsureAccountAsync(new Account(payee.Id, AccountKind.Payee, payee.Currency, false, payee.Name), cancellationToken);
        }

        if (options.SyntheticCitizens)
        {
            await store.EnsureAccountAsync(new Account(options.IssuanceAccount, AccountKind.System, Currencies.Default, true, "Sandbox money issued / نقد تجريبي"), cancellationToken);
            foreach (var person in SyntheticPersons.All)
            {
                var account = CitizenAccount(person.NationalId);
                await store.EnsureAccountAsync(new Account(account, AccountKind.Citizen, Currencies.Default, false, $"{person.GivenNameLatin} {person.FamilyNameLatin}"), cancellationToken);
                await store.PostIfAbsentAsync(JournalEntry.Create($"funding/{account}", EntryKind.Funding, null, Currencies.Default, time.GetUtcNow(),
                    new Posting(options.IssuanceAccount, -options.SyntheticBalanceMinor), new Posting(account, options.SyntheticBalanceMinor)), cancellationToken);
            }
        }
    }

    /// <summary>The keys answered before this instant are forgotten, looked at no more than once a minute.</summary>
    public DateTimeOffset? PurgeBefore(DateTimeOffset now)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var next = Interlocked.Read(ref _nextPurgeMs);
        if (nowMs < next || Interlocked.CompareExchange(ref _nextPurgeMs, nowMs + 60_000, next) != next)
        {
            return null;
        }

        return now - options.IdempotencyRetention;
    }

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Creates an intent from a request body (<see cref="ParseCreate"/>'s refusals are answered, and kept with the key, too).</summary>
    public async Task<PaymentAnswer> CreateAsync(JsonElement body, Caller caller, IdempotencyClaim? claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var (request, refusal) = ParseCreate(body);
        if (refusal is null)
        {
            var payee = await store.GetAccountAsync(request!.PayeeAccount, cancellationToken);
            var payer = await store.GetAccountAsync(CitizenAccount(request.PayerNationalId), cancellationToken);
            refusal = payee is not { Kind: AccountKind.Payee }
                ? PaymentProblems.Problem(PaymentError.UnknownPayee, $"payeeAccount '{request.PayeeAccount}' is not a payee account of {options.Operator}; ask the operator to open it")
                : payer is not { Kind: AccountKind.Citizen }
                ? PaymentProblems.Problem(PaymentError.UnknownPayer, $"no account of {options.Operator} belongs to national id '{request.PayerNationalId}'")
                : payee.Currency != request.Currency || payer.Currency != request.Currency
                ? PaymentProblems.Problem(PaymentError.CurrencyMismatch, $"the payee's account is in {payee.Currency} and the payer's in {payer.Currency}; send the amount in {payee.Currency}")
                : null;
        }

        if (refusal is not null)
        {
            if (claim is not null)
            {
                await store.CompleteAsync(claim, refusal, cancellationToken);
            }

            return refusal;
        }

        var now = time.GetUtcNow();
        var intent = new PaymentIntent(Guid.CreateVersion7(now).ToString("D"), request!.PayeeAccount, CitizenAccount(request.PayerNationalId), request.PayerNationalId,
            request.Amount, request.Currency, request.Reference, request.DescriptionAr, request.DescriptionEn, IntentState.Created, 0, 0, caller.Client, now, now + options.IntentLifetime);
        var answer = PaymentAnswer.Of(201, IntentView.From(intent, []));
        await store.CreateIntentAsync(intent, answer, claim, cancellationToken);
        return answer;
    }

    /// <summary>The intent with its refunds; one whose time is up is expired first (its hold released).</summary>
    public async Task<PaymentAnswer> GetAsync(string id, CancellationToken cancellationToken)
    {
        var intent = await store.GetIntentAsync(id, cancellationToken);
        if (intent is null)
        {
            return NotFound(id);
        }

        if (intent.IsDue(time.GetUtcNow()))
        {
            await store.ChangeIntentAsync(id, null, _ => null, (current, _) => current is not null && current.IsDue(time.GetUtcNow())
                ? Expire(current, time.GetUtcNow())
                : new IntentChange(NotFound(id)), cancellationToken);
            intent = await store.GetIntentAsync(id, cancellationToken) ?? intent;
        }

        return PaymentAnswer.Of(200, IntentView.From(intent, await store.RefundsAsync(id, cancellationToken)));
    }

    public async Task<PaymentAnswer> ReceiptAsync(string id, CancellationToken cancellationToken)
    {
        var intent = await store.GetIntentAsync(id, cancellationToken);
        return intent switch
        {
            null => NotFound(id),
            { State: IntentState.Captured } => PaymentAnswer.Of(200, ReceiptView.From(intent, options.Operator)),
            _ => PaymentProblems.Problem(PaymentError.WrongState, $"intent {id} is {IntentView.StateName(intent.State)}; only a captured payment has a receipt"),
        };
    }

    /// <summary>Holds the amount on the payer's account (it must cover it): created → authorised.</summary>
    public Task<PaymentAnswer> AuthoriseAsync(string id, IdempotencyClaim? claim, CancellationToken cancellationToken) =>
        store.ChangeIntentAsync(id, claim, i => i.PayerAccount, (intent, payerBalance) => Decide(id, intent, IntentState.Created, "authorise", (i, now) =>
        {
            if (payerBalance < i.Amount)
            {
                return new IntentChange(PaymentProblems.Problem(PaymentError.InsufficientFunds,
                    $"the payer's balance of {MoneyView.Of(payerBalance, i.Currency).Value} {i.Currency} does not cover {MoneyView.Of(i.Amount, i.Currency).Value} {i.Currency}"));
            }

            var authorised = i with { State = IntentState.Authorised, Authorised = now };
            var entry = JournalEntry.Create(NewId(now), EntryKind.Authorisation, i.Id, i.Currency, now, new Posting(i.PayerAccount, -i.Amount), new Posting(HoldsAccount(i.Currency), i.Amount));
            return new IntentChange(PaymentAnswer.Of(200, IntentView.From(authorised, [])), authorised, entry);
        }), cancellationToken);

    /// <summary>Moves the held amount to the payee, less the operator's fee: authorised → captured. The answer is the receipt.</summary>
    /// With a gateway to publish through, the receipt is also queued, in the same transaction, as an event on the service's topic for the payee.
    public async Task<PaymentAnswer> CaptureAsync(string id, Caller caller, IdempotencyClaim? claim, CancellationToken cancellationToken)
    {
        var answer = await CaptureChangeAsync(id, caller, claim, cancellationToken);
        if (answer.IsSuccess)
        {
            publishing?.Notify();
        }

        return answer;
    }

    private Task<PaymentAnswer> CaptureChangeAsync(string id, Caller caller, IdempotencyClaim? claim, CancellationToken cancellationToken) =>
        store.ChangeIntentAsync(id, claim, _ => null, (intent, _) => Decide(id, intent, IntentState.Authorised, "capture", (i, now) =>
        {
            var fee = (long)((Int128)i.Amount * options.FeeBasisPoints / 10_000);
            var entryId = NewId(now);
            var captured = i with { State = IntentState.Captured, Captured = now, Fee = fee, CaptureNaqilId = caller.NaqilId, CaptureEntry = entryId };
            var entry = JournalEntry.Create(entryId, EntryKind.Capture, i.Id, i.Currency, now,
                new Posting(HoldsAccount(i.Currency), -i.Amount), new Posting(i.PayeeAccount, i.Amount - fee), new Posting(FeesAccount(i.Currency), fee));
            var receipt = ReceiptView.From(captured, options.Operator);
            var publish = publishing is null ? null
                : new OutgoingPayment(NewId(now), CapturedEvent, System.Text.Json.JsonSerializer.Serialize(new PaymentEvent(CapturedEvent, receipt), PaymentAnswer.Json), now);
            return new IntentChange(PaymentAnswer.Of(200, receipt), captured, entry, Publish: publish);
        }), cancellationToken);

    /// <summary>Cancels a created or authorised intent, releasing its hold.</summary>
    public Task<PaymentAnswer> CancelAsync(string id, IdempotencyClaim? claim, CancellationToken cancellationToken) =>
        store.ChangeIntentAsync(id, claim, _ => null, (intent, _) => Decide(id, intent, null, "cancel", (i, now) =>
        {
            var cancelled = i with { State = IntentState.Cancelled, Closed = now };
            return new IntentChange(PaymentAnswer.Of(200, IntentView.From(cancelled, [])), cancelled, Release(i, now));
        }), cancellationToken);

    /// <summary>Pays part or all of a captured payment back from the payee to the payer; refunds together never exceed the capture.</summary>
    public Task<PaymentAnswer> RefundAsync(string id, JsonElement body, Caller caller, IdempotencyClaim? claim, CancellationToken cancellationToken) =>
        store.ChangeIntentAsync(id, claim, i => i.PayeeAccount, (intent, payeeBalance) =>
        {
            if (intent is null)
            {
                return new IntentChange(NotFound(id));
            }

            if (intent.State != IntentState.Captured)
            {
                return new IntentChange(WrongState(intent, "refund", "only a captured payment can be refunded"));
            }

            var (amount, refusal) = ParseRefundAmount(body, intent.Currency);
            if (refusal is not null)
            {
                return new IntentChange(refusal);
            }

            var left = intent.Amount - intent.Refunded;
            if (amount > left)
            {
                return new IntentChange(PaymentProblems.Problem(PaymentError.RefundExceedsCaptured,
                    $"a refund of {MoneyView.Of(amount, intent.Currency).Value} exceeds the {MoneyView.Of(left, intent.Currency).Value} {intent.Currency} of the capture not yet refunded"));
            }

            if (payeeBalance < amount)
            {
                return new IntentChange(PaymentProblems.Problem(PaymentError.InsufficientFunds,
                    $"the payee's balance of {MoneyView.Of(payeeBalance, intent.Currency).Value} {intent.Currency} does not cover the refund"));
            }

            var now = time.GetUtcNow();
            var entry = JournalEntry.Create(NewId(now), EntryKind.Refund, intent.Id, intent.Currency, now, new Posting(intent.PayeeAccount, -amount), new Posting(intent.PayerAccount, amount));
            var refund = new Refund(NewId(now), intent.Id, amount, now, caller.NaqilId, entry.Id);
            var updated = intent with { Refunded = intent.Refunded + amount };
            var view = new RefundResultView(new RefundView(refund.Id, MoneyView.Of(amount, intent.Currency), now, caller.NaqilId, entry.Id),
                MoneyView.Of(updated.Refunded, intent.Currency), MoneyView.Of(updated.Amount - updated.Refunded, intent.Currency));
            return new IntentChange(PaymentAnswer.Of(201, view), updated, entry, refund);
        }, cancellationToken);

    public async Task<PaymentAnswer> EntriesAsync(string id, CancellationToken cancellationToken) =>
        await store.GetIntentAsync(id, cancellationToken) is null ? NotFound(id) : PaymentAnswer.Of(200, EntryList(id, await store.EntriesAsync(id, cancellationToken)));

    private static EntryListView EntryList(string id, IReadOnlyList<JournalEntry> entries) => new(id, entries.Count, [.. entries.Select(EntryView.From)]);

    /// <summary>The common judgement of a state change: unknown, expired, or not in <paramref name="from"/> (any open state when null) is refused; else <paramref name="change"/> decides.</summary>
    private IntentChange Decide(string id, PaymentIntent? intent, IntentState? from, string action, Func<PaymentIntent, DateTimeOffset, IntentChange> change)
    {
        var now = time.GetUtcNow();
        if (intent is null)
        {
            return new IntentChange(NotFound(id));
        }

        if (intent.IsDue(now))
        {
            return Expire(intent, now);
        }

        var allowed = from is { } state ? intent.State == state : intent.State is IntentState.Created or IntentState.Authorised;
        if (!allowed)
        {
            var hint = (action, intent.State) switch
            {
                ("capture", IntentState.Created) => "authorise it first",
                (_, IntentState.Captured) => $"it was captured at {intent.Captured:O}; refund it instead",
                (_, IntentState.Expired) => "it expired; create a new intent",
                (_, IntentState.Cancelled) => "it was cancelled; create a new intent",
                _ => $"{action} applies to a {(from is { } f ? IntentView.StateName(f) : "created or authorised")} intent",
            };
            return new IntentChange(WrongState(intent, action, hint));
        }

        return change(intent, now);
    }

    /// <summary>An open intent whose time is up: expired, its hold (if authorised) released, and the call refused.</summary>
    private IntentChange Expire(PaymentIntent intent, DateTimeOffset now) =>
        new(PaymentProblems.Problem(PaymentError.IntentExpired, $"intent {intent.Id} expired at {intent.Expires:O}; create a new intent"),
            intent with { State = IntentState.Expired, Closed = now }, Release(intent, now));

    private JournalEntry? Release(PaymentIntent intent, DateTimeOffset now) => intent.State == IntentState.Authorised
        ? JournalEntry.Create(NewId(now), EntryKind.Release, intent.Id, intent.Currency, now, new Posting(HoldsAccount(intent.Currency), -intent.Amount), new Posting(intent.PayerAccount, intent.Amount))
        : null;

    private static PaymentAnswer WrongState(PaymentIntent intent, string action, string hint) =>
        PaymentProblems.Problem(PaymentError.WrongState, $"cannot {action} intent {intent.Id}: it is {IntentView.StateName(intent.State)}; {hint}");

    private static PaymentAnswer NotFound(string id) =>
        PaymentProblems.Problem(PaymentError.IntentNotFound, $"no payment intent '{(id.Length <= 40 ? id : id[..40])}' is known here");

    private static string NewId(DateTimeOffset now) => Guid.CreateVersion7(now).ToString("D");
}

/// <summary>An event the payment service publishes for payees: its kind and the receipt.</summary>
internal sealed record PaymentEvent(string Event, ReceiptView Receipt);

/// <summary>The answer to a refund: the refund, and how much of the capture is refunded and left.</summary>
internal sealed record RefundResultView(RefundView Refund, MoneyView Refunded, MoneyView Refundable);

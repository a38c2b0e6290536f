using Naqil.Agencies.Payments.Money;

namespace Naqil.Agencies.Payments;

/// <summary>An amount as the API shows it: the decimal string and the minor units.</summary>
internal sealed record MoneyView(string Value, long Minor, string Currency)
{
    public static MoneyView Of(long minor, string currency) =>
        new(Amount.Format(minor, Currencies.TryGetMinorUnits(currency, out var units) ? units : 0), minor, currency);
}

internal sealed record DescriptionView(string Ar, string En);

internal sealed record RefundView(string Id, MoneyView Amount, DateTimeOffset Time, string? NaqilId, string JournalEntry);

/// <summary>A payment intent as <c>GET /intents/{id}</c> and the state changes show it.</summary>
internal sealed record IntentView(
    string Id,
    string State,
    MoneyView Amount,
    string PayeeAccount,
    string PayerNationalId,
    string Reference,
    DescriptionView Description,
    DateTimeOffset Created,
    DateTimeOffset Expires,
    DateTimeOffset? Authorised,
    DateTimeOffset? Captured,
    DateTimeOffset? Closed,
    MoneyView? Fee,
    MoneyView Refunded,
    IReadOnlyList<RefundView>? Refunds,
    string? Receipt)
{
    public static IntentView From(PaymentIntent i, IReadOnlyList<Refund>? refunds = null) => new(
        i.Id, StateName(i.State), MoneyView.Of(i.Amount, i.Currency), i.PayeeAccount, i.PayerNationalId, i.Reference, new DescriptionView(i.DescriptionAr, i.DescriptionEn),
        i.Created, i.Expires, i.Authorised, i.Captured, i.Closed, i.State == IntentState.Captured ? MoneyView.Of(i.Fee, i.Currency) : null, MoneyView.Of(i.Refunded, i.Currency),
        refunds?.Select(r => new RefundView(r.Id, MoneyView.Of(r.Amount, i.Currency), r.Time, r.NaqilId, r.Entry)).ToList(),
        i.State == IntentState.Captured ? $"/intents/{i.Id}/receipt" : null);

    public static string StateName(IntentState state) => state.ToString().ToLowerInvariant();
}

/// <summary>
/// What a captured payment's payee can rely on: the payment, its amounts and parties, when, the
/// journal entry, and the Naqil-Id of the exchange that captured it (whose signed response this
/// receipt was, and which both gateways' logs hold).
/// </summary>
internal sealed record ReceiptView(
    string PaymentId,
    string Issuer,
    string State,
    MoneyView Amount,
    MoneyView Fee,
    MoneyView Net,
    string PayeeAccount,
    string PayeeReference,
    string PayerNationalId,
    DescriptionView Description,
    DateTimeOffset CapturedAt,
    string JournalEntry,
    string? NaqilId)
{
    public static ReceiptView From(PaymentIntent i, string issuer) => new(
        i.Id, issuer, IntentView.StateName(i.State), MoneyView.Of(i.Amount, i.Currency), MoneyView.Of(i.Fee, i.Currency), MoneyView.Of(i.Amount - i.Fee, i.Currency),
        i.PayeeAccount, i.Reference, i.PayerNationalId, new DescriptionView(i.DescriptionAr, i.DescriptionEn), i.Captured!.Value, i.CaptureEntry!, i.CaptureNaqilId);
}

internal sealed record PostingView(string Account, MoneyView Amount);

internal sealed record EntryView(string Id, string Kind, DateTimeOffset Time, IReadOnlyList<PostingView> Postings)
{
    public static EntryView From(JournalEntry e) =>
        new(e.Id, e.Kind.ToString().ToLowerInvariant(), e.Time, [.. e.Postings.Select(p => new PostingView(p.Account, MoneyView.Of(p.Amount, e.Currency)))]);
}

internal sealed record EntryListView(string IntentId, int Count, IReadOnlyList<EntryView> Entries);

internal sealed record AccountView(string Id, string Kind, MoneyView Balance, bool AllowNegative, string Name);

internal sealed record StatementView(string Account, string Day, long CapturedCount, MoneyView Captured, MoneyView Fees, long RefundedCount, MoneyView Refunded, MoneyView Net, MoneyView LedgerMovement, bool Reconciled)
{
    public static StatementView From(Statement s) => new(
        s.Account, s.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), s.CapturedCount, MoneyView.Of(s.Captured, s.Currency), MoneyView.Of(s.Fees, s.Currency),
        s.RefundedCount, MoneyView.Of(s.Refunded, s.Currency), MoneyView.Of(s.Net, s.Currency), MoneyView.Of(s.LedgerMovement, s.Currency), s.Net == s.LedgerMovement);
}

using System.Globalization;

namespace Naqil.LoadHarness.Results;

/// <summary>The payment phase's table: captures through the bus beside the exchange, and the ledger's check.</summary>
internal static class PaymentReport
{
    public static IEnumerable<Report.Section> Sections(RunResult r)
    {
        if (r.Payments.Count == 0)
        {
            yield break;
        }

        yield return new Report.Section("Payments: captures through the bus beside the exchange",
            "A pool of 100.00 SYP intents is created and authorised directly on `naqil payments` (not measured); then N connections capture them through the target's consumer and provider gateways (`POST /r1/SY/GOV/CIVREG/payments/intents/intents/{id}/capture`, an Idempotency-Key each), each capture one transaction that locks the intent's row, moves the state and writes its balanced journal entry (holds → payee, fee). The exchange's GET through the same gateways is measured with the same client and connections for the same time just before and just after; the ratio is captures/s ÷ their mean. The ledger check runs after the phase (every entry and currency sums to zero, no account below zero, holds equal the authorised intents, one capture entry per captured intent).",
            ["target", "ledger", "connections", "seconds", "captured", "captures/s", "refused", "failed", "p50 ms", "p99 ms", "GET/s before", "GET/s after", "captures ÷ exchange", "pool used up", "ledger balanced"],
            [.. r.Payments.Select(p => (IReadOnlyList<string>)[p.Target, p.Ledger, p.Connections.ToString(CultureInfo.InvariantCulture), Report.F(p.Seconds),
                p.Captured.ToString("N0", CultureInfo.InvariantCulture), p.CapturesPerSecond.ToString("N0", CultureInfo.InvariantCulture), p.Refused.ToString(CultureInfo.InvariantCulture),
                p.Failed.ToString(CultureInfo.InvariantCulture), Report.Ms(p.CaptureUs.P50), Report.Ms(p.CaptureUs.P99),
                p.ExchangeGetPerSecondBefore.ToString("N0", CultureInfo.InvariantCulture), p.ExchangeGetPerSecondAfter.ToString("N0", CultureInfo.InvariantCulture),
                p.RatioToExchange is { } ratio ? ratio.ToString("0.00", CultureInfo.InvariantCulture) : "–", p.PoolExhausted ? $"yes ({p.Pool:N0})" : "no", p.LedgerBalanced ? "yes" : "NO"])]);
    }
}

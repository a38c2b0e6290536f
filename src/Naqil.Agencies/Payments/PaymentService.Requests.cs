using System.Text.Json;
using Naqil.Agencies.Payments.Money;

namespace Naqil.Agencies.Payments;

/// <summary>A request to create an intent, read and checked.</summary>
internal sealed record CreateIntentRequest(long Amount, string Currency, string PayeeAccount, string PayerNationalId, string Reference, string DescriptionAr, string DescriptionEn);

/// <summary>Reading the request bodies strictly: every refusal names the field and the fix.</summary>
internal sealed partial class PaymentService
{
    private const int MaxReferenceLength = 64;
    private const int MaxDescriptionLength = 200;

    private static readonly string[] CreateFields = ["amount", "currency", "payeeAccount", "payerNationalId", "reference", "description"];

    public const string CreateExample = "{\"amount\": \"1500.00\", \"currency\": \"SYP\", \"payeeAccount\": \"SY/GOV/CIVREG/fees\", \"payerNationalId\": \"01010000001\", "
        + "\"reference\": \"extract-0001\", \"description\": {\"ar\": \"رسم إخراج قيد\", \"en\": \"Civil record extract fee\"}}";

    public (CreateIntentRequest? Request, PaymentAnswer? Refusal) ParseCreate(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, Malformed($"send a JSON object such as {CreateExample}"));
        }

        foreach (var property in body.EnumerateObject())
        {
            if (!CreateFields.Contains(property.Name, StringComparer.Ordinal))
            {
                return (null, Malformed($"'{Shown(property.Name)}' is not a field of a payment intent; the fields are {string.Join(", ", CreateFields)}"));
            }
        }

        var currency = Currencies.Default;
        if (body.TryGetProperty("currency", out var c))
        {
            if (c.ValueKind != JsonValueKind.String || !Currencies.TryGetMinorUnits(c.GetString()!, out _))
            {
                return (null, PaymentProblems.Problem(PaymentError.UnknownCurrency,
                    $"currency {(c.ValueKind == JsonValueKind.String ? $"'{Shown(c.GetString()!)}'" : "must be a string and")} is not an ISO 4217 code this service takes; use one of {string.Join(", ", Currencies.Codes)} (upper case; SYP when absent)"));
            }

            currency = c.GetString()!;
        }

        if (!body.TryGetProperty("amount", out var amountElement))
        {
            return (null, PaymentProblems.Problem(PaymentError.MalformedAmount, "amount is required: a decimal string such as \"1500.00\""));
        }

        var (amount, refusal) = ParseAmount(amountElement, currency);
        if (refusal is not null)
        {
            return (null, refusal);
        }

        if (Text(body, "payeeAccount", 128) is not { } payee)
        {
            return (null, PaymentProblems.Problem(PaymentError.UnknownPayee, "payeeAccount is required: the payee's account, such as SY/GOV/CIVREG/fees"));
        }

        if (Text(body, "payerNationalId", 32) is not { } nationalId || !nationalId.All(char.IsAsciiDigit))
        {
            return (null, PaymentProblems.Problem(PaymentError.UnknownPayer, "payerNationalId is required: the payer's national id, digits only, such as 01010000001"));
        }

        if (Text(body, "reference", MaxReferenceLength) is not { } reference)
        {
            return (null, Malformed($"reference is required: the payee's own reference for this payment, 1 to {MaxReferenceLength} characters"));
        }

        if (!body.TryGetProperty("description", out var description) || description.ValueKind != JsonValueKind.Object
            || Text(description, "ar", MaxDescriptionLength) is not { } arabic || Text(description, "en", MaxDescriptionLength) is not { } english)
        {
            return (null, Malformed($"description is required in Arabic and English: {{\"ar\": \"…\", \"en\": \"…\"}}, each 1 to {MaxDescriptionLength} characters"));
        }

        return (new CreateIntentRequest(amount, currency, payee, nationalId, reference, arabic, english), null);
    }

    /// <summary>The amount of a refund, <c>{"amount": "500.00"}</c>, in the intent's currency.</summary>
    public (long Amount, PaymentAnswer? Refusal) ParseRefundAmount(JsonElement body, string currency) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("amount", out var amount)
            ? ParseAmount(amount, currency)
            : (0, PaymentProblems.Problem(PaymentError.MalformedAmount, "send the amount to refund: {\"amount\": \"500.00\"}"));

    private (long Amount, PaymentAnswer? Refusal) ParseAmount(JsonElement element, string currency)
    {
        Currencies.TryGetMinorUnits(currency, out var units);
        var error = Amount.TryParse(element, units, options.MaxAmountOf(currency), out var minor, out var detail);
        return error switch
        {
            AmountError.None => (minor, null),
            AmountError.NotPositive => (0, PaymentProblems.Problem(PaymentError.AmountNotPositive, detail)),
            AmountError.TooManyDecimals => (0, PaymentProblems.Problem(PaymentError.TooManyDecimals, $"{detail} ({currency})")),
            AmountError.OverLimit => (0, PaymentProblems.Problem(PaymentError.AmountOverLimit, $"{detail} ({currency})")),
            _ => (0, PaymentProblems.Problem(PaymentError.MalformedAmount, detail)),
        };
    }

    /// <summary>A string field of 1 to <paramref name="max"/> characters without control characters, or null.</summary>
    private static string? Text(JsonElement body, string name, int max) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
        && text.Length <= max && !text.Any(char.IsControl) ? text : null;

    private static PaymentAnswer Malformed(string detail) => PaymentProblems.Problem(PaymentError.MalformedRequest, detail);

    private static string Shown(string value) => value.Length <= 24 ? value : value[..24] + "…";
}

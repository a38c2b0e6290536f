using Microsoft.AspNetCore.Http;

namespace Naqil.Agencies.Payments;

/// <summary>Why the payment service refused a call.</summary>
internal enum PaymentError
{
    MalformedRequest,
    MalformedAmount,
    AmountNotPositive,
    TooManyDecimals,
    AmountOverLimit,
    UnknownCurrency,
    CurrencyMismatch,
    UnknownPayee,
    UnknownPayer,
    UnknownAccount,
    IntentNotFound,
    WrongState,
    IntentExpired,
    InsufficientFunds,
    RefundExceedsCaptured,
    IdempotencyKeyMissing,
    IdempotencyKeyMalformed,
    IdempotencyKeyReused,
    IdempotencyKeyInFlight,
    TooLarge,
}

/// <summary>Each <see cref="PaymentError"/> as one problem+json code and status, in one place.</summary>
internal static class PaymentProblems
{
    public static (string Code, int Status, string Title) Describe(PaymentError error) => error switch
    {
        PaymentError.MalformedRequest => ("malformed-request", StatusCodes.Status400BadRequest, "Malformed request"),
        PaymentError.MalformedAmount => ("malformed-amount", StatusCodes.Status400BadRequest, "Malformed amount"),
        PaymentError.AmountNotPositive => ("amount-not-positive", StatusCodes.Status400BadRequest, "Amount not positive"),
        PaymentError.TooManyDecimals => ("too-many-decimals", StatusCodes.Status400BadRequest, "More decimals than the currency has"),
        PaymentError.AmountOverLimit => ("amount-over-limit", StatusCodes.Status422UnprocessableEntity, "Amount over the limit"),
        PaymentError.UnknownCurrency => ("unknown-currency", StatusCodes.Status422UnprocessableEntity, "Unknown currency"),
        PaymentError.CurrencyMismatch => ("currency-mismatch", StatusCodes.Status422UnprocessableEntity, "Currency differs from the account's"),
        PaymentError.UnknownPayee => ("unknown-payee", StatusCodes.Status422UnprocessableEntity, "Unknown payee account"),
        PaymentError.UnknownPayer => ("unknown-payer", StatusCodes.Status422UnprocessableEntity, "Unknown payer"),
        PaymentError.UnknownAccount => ("unknown-account", StatusCodes.Status404NotFound, "Unknown account"),
        PaymentError.IntentNotFound => ("intent-not-found", StatusCodes.Status404NotFound, "Payment intent not found"),
        PaymentError.WrongState => ("wrong-state", StatusCodes.Status409Conflict, "Not allowed in the intent's state"),
        PaymentError.IntentExpired => ("intent-expired", StatusCodes.Status409Conflict, "Payment intent expired"),
        PaymentError.InsufficientFunds => ("insufficient-funds", StatusCodes.Status422UnprocessableEntity, "Insufficient funds"),
        PaymentError.RefundExceedsCaptured => ("refund-exceeds-captured", StatusCodes.Status409Conflict, "Refund exceeds what is left of the capture"),
        PaymentError.IdempotencyKeyMissing => ("idempotency-key-missing", StatusCodes.Status400BadRequest, "Idempotency-Key required"),
        PaymentError.IdempotencyKeyMalformed => ("idempotency-key-malformed", StatusCodes.Status400BadRequest, "Malformed Idempotency-Key"),
        PaymentError.IdempotencyKeyReused => ("idempotency-key-reused", StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused with another request"),
        PaymentError.IdempotencyKeyInFlight => ("idempotency-key-in-flight", StatusCodes.Status409Conflict, "A call with this Idempotency-Key is in flight"),
        PaymentError.TooLarge => ("too-large", StatusCodes.Status413PayloadTooLarge, "Request body too large"),
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, "not a refusal"),
    };

    /// <summary>The refusal as RFC 9457 problem details with its stable <c>code</c>.</summary>
    public static PaymentAnswer Problem(PaymentError error, string detail)
    {
        var (code, status, title) = Describe(error);
        var problem = new Dictionary<string, object>
        {
            ["type"] = TypeOf(status),
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
            ["code"] = code,
        };
        return PaymentAnswer.Of(status, problem) with { ContentType = PaymentAnswer.ProblemType };
    }

    /// <summary>The RFC 9110 section of the status, as ASP.NET Core's own problem details name it.</summary>
    private static string TypeOf(int status) => "https://tools.ietf.org/html/rfc9110#section-15.5." + status switch
    {
        400 => "1",
        404 => "5",
        409 => "10",
        413 => "14",
        _ => "21",
    };
}

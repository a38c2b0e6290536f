using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Naqil.Agencies.Payments.Storage;

namespace Naqil.Agencies.Payments.Apis;

/// <summary>
/// The payment service's REST API (docs/payments.md), reached through its member's gateway: intents
/// and their state changes (each under an <c>Idempotency-Key</c>), receipts, the journal, accounts,
/// statements and the ledger check. Described at <c>/openapi.json</c>.
/// </summary>
internal static class PaymentsApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>The largest request body taken; an intent is a few hundred bytes.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    private const int MaxKeyLength = 255;

    public static IEndpointRouteBuilder MapPaymentsApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var openApi = PaymentsOpenApi.Document();
        endpoints.MapGet("/openapi.json", () => Results.Text(openApi, "application/json"));
        endpoints.MapPost("/intents", (HttpContext context, PaymentService payments) =>
            StateChangeAsync(context, payments, (body, caller, claim, ct) => payments.CreateAsync(body, caller, claim, ct)));
        endpoints.MapGet("/intents/{id}", async (string id, PaymentService payments, CancellationToken ct) => Write(await payments.GetAsync(id, ct)));
        endpoints.MapPost("/intents/{id}/authorise", (string id, HttpContext context, PaymentService payments) =>
            StateChangeAsync(context, payments, (_, _, claim, ct) => payments.AuthoriseAsync(id, claim, ct)));
        endpoints.MapPost("/intents/{id}/capture", (string id, HttpContext context, PaymentService payments) =>
            StateChangeAsync(context, payments, (_, caller, claim, ct) => payments.CaptureAsync(id, caller, claim, ct)));
        endpoints.MapPost("/intents/{id}/cancel", (string id, HttpContext context, PaymentService payments) =>
            StateChangeAsync(context, payments, (_, _, claim, ct) => payments.CancelAsync(id, claim, ct)));
        endpoints.MapPost("/intents/{id}/refunds", (string id, HttpContext context, PaymentService payments) =>
            StateChangeAsync(context, payments, (body, caller, claim, ct) => payments.RefundAsync(id, body, caller, claim, ct)));
        endpoints.MapGet("/intents/{id}/receipt", async (string id, PaymentService payments, CancellationToken ct) => Write(await payments.ReceiptAsync(id, ct)));
        endpoints.MapGet("/intents/{id}/entries", async (string id, PaymentService payments, CancellationToken ct) => Write(await payments.EntriesAsync(id, ct)));
        endpoints.MapGet("/accounts/{**id}", async (string id, PaymentService payments, CancellationToken ct) => Write(await AccountAsync(payments, id, ct)));
        endpoints.MapGet("/statements/{**account}", async (string account, string? day, PaymentService payments, CancellationToken ct) =>
            Write(await StatementAsync(payments, account, day, ct)));
        endpoints.MapGet("/ledger/check", async (PaymentService payments, CancellationToken ct) =>
        {
            var check = await payments.Store.CheckAsync(payments.Options.HoldsAccount, ct);
            return Write(PaymentAnswer.Of(check.Balanced ? 200 : 500, check));
        });
        return endpoints;
    }

    /// <summary>
    /// A state change under its idempotency key: the same key and request answer the first answer
    /// again; the same key with another request is refused (422), and while its first call runs (409).
    /// The answer is kept with the key in the change's own transaction; a call that fails without one
    /// (a 5xx) lets the key go.
    /// </summary>
    private static async Task<AnswerResult> StateChangeAsync(HttpContext context, PaymentService payments,
        Func<JsonElement, Caller, IdempotencyClaim, CancellationToken, Task<PaymentAnswer>> change)
    {
        var request = context.Request;
        var cancellationToken = context.RequestAborted;
        var keys = request.Headers[IdempotencyKeyHeader];
        if (keys.Count == 0)
        {
            return Write(PaymentProblems.Problem(PaymentError.IdempotencyKeyMissing,
                $"send an {IdempotencyKeyHeader} header, a value of your own (a UUID will do) that you send again, with the same body, when you retry this call"));
        }

        if (keys.Count > 1 || keys[0] is not { Length: > 0 and <= MaxKeyLength } key || key.Any(c => c is < '!' or > '~'))
        {
            return Write(PaymentProblems.Problem(PaymentError.IdempotencyKeyMalformed, $"{IdempotencyKeyHeader} must appear once, with 1 to {MaxKeyLength} printable ASCII characters and no spaces"));
        }

        var (bytes, refusal) = await ReadBodyAsync(context, cancellationToken);
        if (refusal is not null)
        {
            return Write(refusal);
        }

        JsonElement body = default;
        if (bytes.Length > 0)
        {
            try
            {
                using var document = JsonDocument.Parse(bytes);
                body = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                return Write(PaymentProblems.Problem(PaymentError.MalformedRequest, "the body is not JSON; send a JSON object (or nothing, to authorise, capture or cancel)"));
            }
        }

        var client = request.Headers["Naqil-Client"].ToString();
        var naqilId = request.Headers["Naqil-Id"].ToString();
        var caller = new Caller(client.Length > 0 ? client : "-", naqilId.Length > 0 ? naqilId : null);
        var claim = new IdempotencyClaim(caller.Client, key, RequestHash(request.Method, request.Path.Value ?? "", bytes));
        var now = payments.Now;
        var outcome = await payments.Store.ClaimAsync(claim, now, payments.Options.InFlightLease, payments.PurgeBefore(now), cancellationToken);
        switch (outcome.Result)
        {
            case ClaimResult.Replay:
                context.Response.Headers["Idempotent-Replayed"] = "true";
                return Write(outcome.Answer!);
            case ClaimResult.InFlight:
                return Write(PaymentProblems.Problem(PaymentError.IdempotencyKeyInFlight, $"a call with this {IdempotencyKeyHeader} has not finished; retry when it has, for its answer"));
            case ClaimResult.Mismatch:
                return Write(PaymentProblems.Problem(PaymentError.IdempotencyKeyReused,
                    $"this {IdempotencyKeyHeader} was used with another request (method, path or body); use a new key for a new request"));
        }

        try
        {
            return Write(await change(body, caller, claim, cancellationToken));
        }
        catch
        {
            // No answer was kept: a retry with the key runs the call again.
            await payments.Store.ReleaseAsync(claim, CancellationToken.None);
            throw;
        }
    }

    /// <summary>What the key is bound to: method, path and body, hashed.</summary>
    internal static string RequestHash(string method, string path, byte[] body)
    {
        var head = Encoding.UTF8.GetBytes($"{method} {path}\n");
        return Convert.ToHexStringLower(SHA256.HashData([.. head, .. body]));
    }

    private static async Task<(byte[] Body, PaymentAnswer? TooLarge)> ReadBodyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var tooLarge = PaymentProblems.Problem(PaymentError.TooLarge, $"the body may be at most {MaxBodyBytes} bytes");
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return ([], tooLarge);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        using var buffer = new MemoryStream();
        try
        {
            await context.Request.Body.CopyToAsync(buffer, cancellationToken);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ([], tooLarge);
        }

        return (buffer.ToArray(), null);
    }

    private static async Task<PaymentAnswer> AccountAsync(PaymentService payments, string id, CancellationToken cancellationToken)
    {
        if (await payments.Store.GetAccountAsync(id, cancellationToken) is not { } account)
        {
            return PaymentProblems.Problem(PaymentError.UnknownAccount, $"no account '{(id.Length <= 64 ? id : id[..64])}' is kept by {payments.Options.Operator}");
        }

        var balance = await payments.Store.BalanceAsync(id, cancellationToken);
        return PaymentAnswer.Of(200, new AccountView(account.Id, account.Kind.ToString().ToLowerInvariant(), MoneyView.Of(balance, account.Currency), account.AllowNegative, account.Name));
    }

    private static async Task<PaymentAnswer> StatementAsync(PaymentService payments, string accountId, string? day, CancellationToken cancellationToken)
    {
        var date = DateOnly.FromDateTime(payments.Now.UtcDateTime);
        if (day is not null && !DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return PaymentProblems.Problem(PaymentError.MalformedRequest, "day must be a UTC date such as 2026-12-08 (today when absent)");
        }

        if (await payments.Store.GetAccountAsync(accountId, cancellationToken) is not { Kind: AccountKind.Payee } account)
        {
            return PaymentProblems.Problem(PaymentError.UnknownAccount, $"no payee account '{(accountId.Length <= 64 ? accountId : accountId[..64])}' is kept by {payments.Options.Operator}");
        }

        return PaymentAnswer.Of(200, StatementView.From(await payments.Store.StatementAsync(account, date, cancellationToken)));
    }

    private static AnswerResult Write(PaymentAnswer answer) => new(answer);

    /// <summary>An answer written as it was made (or kept with its key): status, content type, body.</summary>
    private sealed class AnswerResult(PaymentAnswer answer) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = answer.Status;
            httpContext.Response.ContentType = answer.ContentType;
            httpContext.Response.ContentLength = answer.Body.Length;
            await httpContext.Response.Body.WriteAsync(answer.Body, httpContext.RequestAborted);
        }
    }
}

using System.Net;
using System.Text.Json;
using Naqil.Agencies.Payments;

namespace Naqil.Agencies.Tests.Payments;

/// <summary>
/// The payment API against a real host, the same on every store: the states, the receipt, bad
/// input, idempotency and the ledger. The races (<see cref="PaymentRaceContract"/>) are apart.
/// </summary>
public abstract class PaymentApiContract : IAsyncLifetime
{
    private protected PaymentHost Host { get; private set; } = null!;

    private protected abstract Task<PaymentsOptions> OptionsAsync();

    public virtual async ValueTask InitializeAsync() => Host = await PaymentHost.StartAsync(await OptionsAsync());

    public virtual async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Capture_AuthorisedIntent_ReceiptCarriesTheExchangeNaqilId_AndTheLedgerMoves()
    {
        var payer = $"SY-NID:{PaymentHost.Payer}";
        var id = await Host.CreateIntentAsync("1500.00");
        Assert.Equal(50_000_00, await Host.BalanceAsync(payer));

        var (authorised, intent, _) = await Host.PostAsync($"/intents/{id}/authorise", null);
        Assert.Equal(200, authorised);
        Assert.Equal("authorised", intent.GetProperty("state").GetString());
        Assert.Equal(50_000_00 - 1500_00, await Host.BalanceAsync(payer));

        var naqilId = Guid.CreateVersion7().ToString("D");
        var (captured, receipt, _) = await Host.PostAsync($"/intents/{id}/capture", null, naqilId: naqilId);
        Assert.Equal(200, captured);
        Assert.Equal(id, receipt.GetProperty("paymentId").GetString());
        Assert.Equal(naqilId, receipt.GetProperty("naqilId").GetString());
        Assert.Equal("SY/GOV/CBS", receipt.GetProperty("issuer").GetString());
        Assert.Equal("1500.00", receipt.GetProperty("amount").GetProperty("value").GetString());
        Assert.Equal("7.50", receipt.GetProperty("fee").GetProperty("value").GetString()); // 50 basis points
        Assert.Equal("1492.50", receipt.GetProperty("net").GetProperty("value").GetString());
        Assert.Equal(PaymentHost.Payer, receipt.GetProperty("payerNationalId").GetString());
        Assert.Equal("extract-0001", receipt.GetProperty("payeeReference").GetString());

        Assert.Equal(1492_50, await Host.BalanceAsync(PaymentHost.Payee));
        Assert.Equal(7_50, await Host.BalanceAsync("SY/GOV/CBS/fees"));
        Assert.Equal(0, await Host.BalanceAsync("SY/GOV/CBS/holds"));
        var (_, again) = await Host.GetAsync($"/intents/{id}/receipt");
        Assert.Equal(receipt.ToString(), again.ToString());

        var (_, entries) = await Host.GetAsync($"/intents/{id}/entries");
        Assert.Equal(["authorisation", "capture"], entries.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("kind").GetString()!));
        foreach (var entry in entries.GetProperty("entries").EnumerateArray())
        {
            Assert.Equal(0, entry.GetProperty("postings").EnumerateArray().Sum(p => p.GetProperty("amount").GetProperty("minor").GetInt64()));
        }

        Assert.Equal(receipt.GetProperty("journalEntry").GetString(), entries.GetProperty("entries")[1].GetProperty("id").GetString());
        await Host.AssertLedgerBalancedAsync();
    }

    [Theory]
    [InlineData("\"1e3\"", null, 400, "malformed-amount")]
    [InlineData("1e3", null, 400, "malformed-amount")]
    [InlineData("\"-5.00\"", null, 400, "amount-not-positive")]
    [InlineData("0", null, 400, "amount-not-positive")]
    [InlineData("\"10.001\"", null, 400, "too-many-decimals")]
    [InlineData("\"100000000.01\"", null, 422, "amount-over-limit")]
    [InlineData("\"10.00\"", "XXX", 422, "unknown-currency")]
    [InlineData("\"10.00\"", "syp", 422, "unknown-currency")]
    [InlineData("\"10.00\"", "USD", 422, "currency-mismatch")]
    public async Task Create_BadAmountOrCurrency_IsRefusedWithItsCode(string amount, string? currency, int status, string code)
    {
        var body = PaymentHost.Intent(JsonDocument.Parse(amount).RootElement.Clone());
        if (currency is not null)
        {
            body["currency"] = currency;
        }

        var (actual, problem, response) = await Host.PostAsync("/intents", body);
        Assert.Equal(status, actual);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
    }

    [Theory]
    [InlineData("payeeAccount", "SY/GOV/NOBODY/fees", 422, "unknown-payee")]
    [InlineData("payeeAccount", "SY/GOV/CBS/fees", 422, "unknown-payee")]
    [InlineData("payerNationalId", "09999999999", 422, "unknown-payer")]
    [InlineData("payerNationalId", "SY-NID:01010000001", 422, "unknown-payer")]
    [InlineData("reference", "", 400, "malformed-request")]
    [InlineData("colour", "red", 400, "malformed-request")]
    public async Task Create_BadParty_IsRefusedWithItsCode(string field, string value, int status, string code)
    {
        var body = PaymentHost.Intent("10.00");
        body[field] = value;
        var (actual, problem, _) = await Host.PostAsync("/intents", body);
        Assert.Equal(status, actual);
        Assert.Equal(code, problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Create_WithoutEnglishDescription_IsRefused()
    {
        var body = PaymentHost.Intent("10.00");
        body["description"] = new Dictionary<string, string> { ["ar"] = "رسم" };
        var (status, problem, _) = await Host.PostAsync("/intents", body);
        Assert.Equal(400, status);
        Assert.Contains("Arabic and English", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Capture_Twice_IsRefused_AndNothingChanges()
    {
        var id = await Host.CapturedIntentAsync();
        var payee = await Host.BalanceAsync(PaymentHost.Payee);

        var (status, problem, _) = await Host.PostAsync($"/intents/{id}/capture", null);
        Assert.Equal(409, status);
        Assert.Equal("wrong-state", problem.GetProperty("code").GetString());
        Assert.Contains("refund it instead", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(payee, await Host.BalanceAsync(PaymentHost.Payee));
        Assert.Equal(2, (await Host.GetAsync($"/intents/{id}/entries")).Body.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Capture_BeforeAuthorise_IsRefused()
    {
        var id = await Host.CreateIntentAsync();
        var (status, problem, _) = await Host.PostAsync($"/intents/{id}/capture", null);
        Assert.Equal(409, status);
        Assert.Contains("authorise it first", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("created", (await Host.GetAsync($"/intents/{id}")).Body.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Capture_AfterCancel_IsRefused_AndTheHoldWasReleased()
    {
        var payer = $"SY-NID:{PaymentHost.Payer}";
        var id = await Host.CreateIntentAsync("2000.00");
        Assert.Equal(200, (await Host.PostAsync($"/intents/{id}/authorise", null)).Status);
        Assert.Equal(200, (await Host.PostAsync($"/intents/{id}/cancel", null)).Status);
        Assert.Equal(50_000_00, await Host.BalanceAsync(payer));

        var (status, problem, _) = await Host.PostAsync($"/intents/{id}/capture", null);
        Assert.Equal(409, status);
        Assert.Contains("cancelled", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await Host.BalanceAsync(PaymentHost.Payee));
        await Host.AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Capture_AfterExpiry_IsRefused_TheIntentExpires_AndTheHoldIsReleased()
    {
        var payer = $"SY-NID:{PaymentHost.Payer}";
        var id = await Host.CreateIntentAsync("2000.00");
        Assert.Equal(200, (await Host.PostAsync($"/intents/{id}/authorise", null)).Status);
        Host.Time.Advance(TimeSpan.FromMinutes(30));

        var (status, problem, _) = await Host.PostAsync($"/intents/{id}/capture", null);
        Assert.Equal(409, status);
        Assert.Equal("intent-expired", problem.GetProperty("code").GetString());
        Assert.Equal("expired", (await Host.GetAsync($"/intents/{id}")).Body.GetProperty("state").GetString());
        Assert.Equal(50_000_00, await Host.BalanceAsync(payer));
        await Host.AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Authorise_MoreThanTheBalance_IsRefused_AndNothingIsHeld()
    {
        var id = await Host.CreateIntentAsync("50000.01");
        var (status, problem, _) = await Host.PostAsync($"/intents/{id}/authorise", null);
        Assert.Equal(422, status);
        Assert.Equal("insufficient-funds", problem.GetProperty("code").GetString());
        Assert.Equal(0, await Host.BalanceAsync("SY/GOV/CBS/holds"));
        Assert.Equal("created", (await Host.GetAsync($"/intents/{id}")).Body.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Refund_PartThenMoreThanLeft_SecondIsRefused_AndTheStatementReconciles()
    {
        var id = await Host.CapturedIntentAsync("1500.00");
        var (first, refund, _) = await Host.PostAsync($"/intents/{id}/refunds", new { amount = "1000.00" });
        Assert.Equal(201, first);
        Assert.Equal("500.00", refund.GetProperty("refundable").GetProperty("value").GetString());

        var (second, problem, _) = await Host.PostAsync($"/intents/{id}/refunds", new { amount = "500.01" });
        Assert.Equal(409, second);
        Assert.Equal("refund-exceeds-captured", problem.GetProperty("code").GetString());
        Assert.Equal(50_000_00 - 500_00, await Host.BalanceAsync($"SY-NID:{PaymentHost.Payer}"));

        var (_, intent) = await Host.GetAsync($"/intents/{id}");
        Assert.Equal("1000.00", intent.GetProperty("refunded").GetProperty("value").GetString());
        Assert.Single(intent.GetProperty("refunds").EnumerateArray());

        var (status, statement) = await Host.GetAsync($"/statements/{PaymentHost.Payee}?day=2026-12-08");
        Assert.Equal(200, status);
        Assert.Equal(1, statement.GetProperty("capturedCount").GetInt64());
        Assert.Equal("1500.00", statement.GetProperty("captured").GetProperty("value").GetString());
        Assert.Equal("7.50", statement.GetProperty("fees").GetProperty("value").GetString());
        Assert.Equal("1000.00", statement.GetProperty("refunded").GetProperty("value").GetString());
        Assert.Equal("492.50", statement.GetProperty("net").GetProperty("value").GetString());
        Assert.True(statement.GetProperty("reconciled").GetBoolean());
        Assert.Equal(0, (await Host.GetAsync($"/statements/{PaymentHost.Payee}?day=2026-12-07")).Body.GetProperty("capturedCount").GetInt64());
        await Host.AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Idempotency_SameKeySameBody_ReturnsTheFirstAnswer_AndChangesOnce()
    {
        var id = await Host.CreateIntentAsync();
        Assert.Equal(200, (await Host.PostAsync($"/intents/{id}/authorise", null)).Status);
        var key = Guid.NewGuid().ToString("D");

        var (first, receipt, _) = await Host.PostAsync($"/intents/{id}/capture", null, key, naqilId: Guid.CreateVersion7().ToString("D"));
        var (second, replayed, response) = await Host.PostAsync($"/intents/{id}/capture", null, key, naqilId: Guid.CreateVersion7().ToString("D"));
        Assert.Equal(200, first);
        Assert.Equal(200, second);
        Assert.Equal(receipt.ToString(), replayed.ToString());
        Assert.Equal("true", response.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(2, (await Host.GetAsync($"/intents/{id}/entries")).Body.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Idempotency_SameKeyOnCreate_CreatesOneIntent_AndAnotherBodyIsRefused()
    {
        var key = Guid.NewGuid().ToString("D");
        var (first, intent, _) = await Host.PostAsync("/intents", PaymentHost.Intent("10.00"), key);
        var (again, same, _) = await Host.PostAsync("/intents", PaymentHost.Intent("10.00"), key);
        Assert.Equal(201, first);
        Assert.Equal(201, again);
        Assert.Equal(intent.GetProperty("id").GetString(), same.GetProperty("id").GetString());

        var (other, problem, _) = await Host.PostAsync("/intents", PaymentHost.Intent("11.00"), key);
        Assert.Equal(422, other);
        Assert.Equal("idempotency-key-reused", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Idempotency_KeyOfACallInFlight_IsRefused_UntilItsLeaseEnds()
    {
        var id = await Host.CreateIntentAsync();
        Assert.Equal(200, (await Host.PostAsync($"/intents/{id}/authorise", null)).Status);
        var key = Guid.NewGuid().ToString("D");
        // A call that claimed the key and never finished (as if its process died).
        var claim = new Naqil.Agencies.Payments.Storage.IdempotencyClaim("-", key, Naqil.Agencies.Payments.Apis.PaymentsApi.RequestHash("POST", $"/intents/{id}/capture", []));
        Assert.Equal(Naqil.Agencies.Payments.Storage.ClaimResult.Claimed, (await Host.Store.ClaimAsync(claim, Host.Time.GetUtcNow(), TimeSpan.FromSeconds(30), null, TestContext.Current.CancellationToken)).Result);

        var (status, problem, _) = await Host.PostAsync($"/intents/{id}/capture", null, key);
        Assert.Equal(409, status);
        Assert.Equal("idempotency-key-in-flight", problem.GetProperty("code").GetString());
        Assert.Equal("authorised", (await Host.GetAsync($"/intents/{id}")).Body.GetProperty("state").GetString());

        Host.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(200, (await Host.PostAsync($"/intents/{id}/capture", null, key)).Status);
    }

    [Fact]
    public async Task Idempotency_MissingOrMalformedKey_IsRefused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/intents", UriKind.Relative)) { Content = JsonContent(PaymentHost.Intent("10.00")) };
        using var response = await Host.Client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("idempotency-key-missing", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        var (status, problem, _) = await Host.PostAsync("/intents", PaymentHost.Intent("10.00"), key: new string('k', 256));
        Assert.Equal(400, status);
        Assert.Equal("idempotency-key-malformed", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Intent_Unknown_IsNotFound()
    {
        var (status, problem) = await Host.GetAsync($"/intents/{Guid.NewGuid()}");
        Assert.Equal(404, status);
        Assert.Equal("intent-not-found", problem.GetProperty("code").GetString());
        Assert.Equal(404, (await Host.PostAsync($"/intents/{Guid.NewGuid()}/capture", null)).Status);
    }

    private static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}

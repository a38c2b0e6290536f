using Naqil.Agencies.Payments;

namespace Naqil.Agencies.Tests.Payments;

/// <summary>
/// Real parallel requests against a real host: of 100 captures of one intent exactly one succeeds;
/// of 100 refunds that together exceed the capture exactly those that fit succeed; of 100
/// authorisations that together exceed the payer's balance exactly those it covers succeed. The
/// ledger balances after each.
/// </summary>
public abstract class PaymentRaceContract : PaymentApiContract
{
    private const int Parallel = 100;

    [Fact]
    public async Task Capture_HundredInParallel_ExactlyOneSucceeds()
    {
        var id = await Host.CreateIntentAsync("1000.00");
        Assert.Equal(200, (await Host.PostAsync($"/intents/{id}/authorise", null)).Status);

        var statuses = await InParallelAsync(_ => Host.PostAsync($"/intents/{id}/capture", null));
        Assert.Equal(1, statuses.Count(s => s == 200));
        Assert.Equal(Parallel - 1, statuses.Count(s => s == 409));
        var (_, entries) = await Host.GetAsync($"/intents/{id}/entries");
        Assert.Single(entries.GetProperty("entries").EnumerateArray(), e => e.GetProperty("kind").GetString() == "capture");
        Assert.Equal(1000_00 - 5_00, await Host.BalanceAsync(PaymentHost.Payee));
        await Host.AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Refund_HundredInParallelExceedingTheCapture_ExactlyThoseThatFitSucceed()
    {
        await Host.CapturedIntentAsync("5000.00"); // the payee's balance covers every refund: only the capture limits them
        var id = await Host.CapturedIntentAsync("1000.00");

        var statuses = await InParallelAsync(_ => Host.PostAsync($"/intents/{id}/refunds", new { amount = "20.00" }));
        Assert.Equal(50, statuses.Count(s => s == 201));
        Assert.Equal(50, statuses.Count(s => s == 409));
        var (_, intent) = await Host.GetAsync($"/intents/{id}");
        Assert.Equal("1000.00", intent.GetProperty("refunded").GetProperty("value").GetString());
        Assert.Equal(50, intent.GetProperty("refunds").GetArrayLength());
        await Host.AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Authorise_HundredIntentsInParallelExceedingTheBalance_ExactlyThoseItCoversSucceed()
    {
        const string payer = "01010000002";
        var ids = new List<string>();
        for (var i = 0; i < Parallel; i++)
        {
            ids.Add(await Host.CreateIntentAsync("1000.00", payer));
        }

        var statuses = await InParallelAsync(i => Host.PostAsync($"/intents/{ids[i]}/authorise", null));
        Assert.Equal(50, statuses.Count(s => s == 200)); // 50 000.00 covers 50 of 1000.00
        Assert.Equal(50, statuses.Count(s => s == 422));
        Assert.Equal(0, await Host.BalanceAsync($"SY-NID:{payer}"));
        await Host.AssertLedgerBalancedAsync();
    }

    [Fact]
    public async Task Capture_SameKeyInParallel_ChangesOnce_AndEveryAnswerIsTheFirstOrInFlight()
    {
        var id = await Host.CreateIntentAsync("100.00");
        Assert.Equal(200, (await Host.PostAsync($"/intents/{id}/authorise", null)).Status);
        var key = Guid.NewGuid().ToString("D");

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Host.PostAsync($"/intents/{id}/capture", null, key))));
        Assert.All(answers, a => Assert.True(a.Status is 200 or 409, $"{a.Status} {a.Body}"));
        var receipts = answers.Where(a => a.Status == 200).Select(a => a.Body.ToString()).Distinct().ToList();
        Assert.Single(receipts);
        Assert.All(answers.Where(a => a.Status == 409), a => Assert.Equal("idempotency-key-in-flight", a.Body.GetProperty("code").GetString()));
        Assert.Equal(2, (await Host.GetAsync($"/intents/{id}/entries")).Body.GetProperty("count").GetInt32());
        await Host.AssertLedgerBalancedAsync();
    }

    private async Task<int[]> InParallelAsync(Func<int, Task<(int Status, System.Text.Json.JsonElement Body, HttpResponseMessage Response)>> call)
    {
        using var start = new ManualResetEventSlim();
        var calls = Enumerable.Range(0, Parallel).Select(i => Task.Run(async () =>
        {
            start.Wait(TestContext.Current.CancellationToken);
            var (status, body, response) = await call(i);
            response.Dispose();
            Assert.True(status is 200 or 201 or 409 or 422, $"{status} {body}");
            return status;
        })).ToArray();
        start.Set();
        return await Task.WhenAll(calls);
    }
}

/// <summary>The contract on a SQLite file of the test's own.</summary>
public sealed class SqlitePaymentTests : PaymentRaceContract
{
    private readonly TempDirectory _directory = new();

    private string DatabaseFile => Path.Combine(_directory.Path, "payments.db");

    private protected override Task<PaymentsOptions> OptionsAsync() => Task.FromResult(PaymentHost.Options("sqlite", DatabaseFile));

    [Fact]
    public async Task LedgerCheck_PostingWrittenBehindTheServicesBack_IsReportedUnbalanced()
    {
        var id = await Host.CapturedIntentAsync();
        await Host.AssertLedgerBalancedAsync();
        var (_, entries) = await Host.GetAsync($"/intents/{id}/entries");
        var capture = entries.GetProperty("entries")[1].GetProperty("id").GetString();

        // One more posting on the capture entry: money from nowhere into the payee's account.
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabaseFile};Pooling=False"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO postings (entry, line, account, amount, currency) VALUES ($entry, 9, $account, 100, 'SYP');";
            command.Parameters.AddWithValue("$entry", capture);
            command.Parameters.AddWithValue("$account", PaymentHost.Payee);
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var (status, check) = await Host.GetAsync("/ledger/check");
        Assert.Equal(500, status);
        Assert.False(check.GetProperty("balanced").GetBoolean());
        Assert.Equal(capture, Assert.Single(check.GetProperty("unbalancedEntries").EnumerateArray()).GetString());
        Assert.Equal(100, check.GetProperty("sumByCurrency").GetProperty("SYP").GetInt64());
        var (_, statement) = await Host.GetAsync($"/statements/{PaymentHost.Payee}?day=2026-12-08");
        Assert.False(statement.GetProperty("reconciled").GetBoolean());
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }
}

/// <summary>The contract on the PostgreSQL server of <c>NAQIL_TEST_POSTGRES</c>, one database per test.</summary>
public sealed class PostgresPaymentTests : PaymentRaceContract
{
    private readonly string _database = $"naqil_payments_{Guid.NewGuid():N}";

    private protected override async Task<PaymentsOptions> OptionsAsync() =>
        PaymentHost.Options("postgresql", await Naqil.Tests.Shared.TestPostgres.CreateDatabaseAsync(_database));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Naqil.Tests.Shared.TestPostgres.DropDatabaseAsync(_database);
    }
}

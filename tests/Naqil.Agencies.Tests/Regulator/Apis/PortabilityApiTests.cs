using System.Text.Json;

namespace Naqil.Agencies.Tests.Regulator.Apis;

/// <summary>Port requests on a real host, on each store: the lifecycle, each party's own side only, the donor's deadline, the rules, and races.</summary>
public abstract class PortabilityApiTests(StoreKind kind) : IAsyncLifetime
{
    private const string Number = "0944 123 456";
    private RegulatorHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await RegulatorHost.StartAsync(kind);
        await _host.AllocateAsync("94", "MTN");
        await _host.AllocateAsync("93", "SYRIATEL");
        await _host.AllocateAsync("91", "WAFA");
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private async Task<string> SubmitAsync(string recipient = RegulatorHost.Syriatel, string number = Number)
    {
        var (status, request) = await _host.PostAsync("/ports", recipient, new { number });
        Assert.True(status == 201, request.ToString());
        return request.GetProperty("id").GetString()!;
    }

    private Task<(int Status, JsonElement Body)> StepAsync(string id, string step, string client, object? body = null) =>
        _host.PostAsync($"/ports/{id}/{step}", client, body ?? new { });

    private async Task<string> ServingAsync(string number = "+963944123456") =>
        (await _host.GetAsync($"/numbers/{Uri.EscapeDataString(number)}")).Body.GetProperty("servingOperator").GetString()!;

    private async Task<int> OpenRequestsAsync() =>
        (await _host.GetAsync("/ports")).Body.GetProperty("requests").EnumerateArray().Count(r => r.GetProperty("state").GetString() is "submitted" or "validated" or "accepted" or "scheduled");

    [Fact]
    public async Task Port_WholeLifecycle_MovesTheNumberToTheRecipient()
    {
        var (status, submitted) = await _host.PostAsync("/ports", RegulatorHost.Syriatel, new { number = Number });
        Assert.Equal(201, status);
        Assert.Equal("validated", submitted.GetProperty("state").GetString());
        Assert.Equal("MTN", submitted.GetProperty("donor").GetString());
        Assert.Equal("SYRIATEL", submitted.GetProperty("recipient").GetString());
        Assert.Equal(RegulatorHost.Start.AddHours(48), submitted.GetProperty("donorDeadline").GetDateTimeOffset());
        var id = submitted.GetProperty("id").GetString()!;

        Assert.Equal("accepted", (await StepAsync(id, "accept", RegulatorHost.Mtn)).Body.GetProperty("state").GetString());
        var portAt = RegulatorHost.Start.AddDays(1);
        Assert.Equal("scheduled", (await StepAsync(id, "schedule", RegulatorHost.Syriatel, new { portAt })).Body.GetProperty("state").GetString());
        RegulatorHost.AssertProblem(await StepAsync(id, "complete", RegulatorHost.Syriatel), 409, "too-early", "scheduled for 2026-12-02T09:00:00Z");
        Assert.Equal("MTN", await ServingAsync());

        _host.Time.Advance(TimeSpan.FromDays(1));
        var (_, completed) = await StepAsync(id, "complete", RegulatorHost.Syriatel);

        Assert.Equal("completed", completed.GetProperty("state").GetString());
        Assert.Equal(["submitted", "validated", "accepted", "scheduled", "completed"], completed.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("to").GetString()));
        Assert.Equal(["SYRIATEL", "regulator", "MTN", "SYRIATEL", "SYRIATEL"], completed.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("by").GetString()));
        var (_, number) = await _host.GetAsync("/numbers/0944123456");
        Assert.Equal("SYRIATEL", number.GetProperty("servingOperator").GetString());
        Assert.Equal("MTN", number.GetProperty("blockOperator").GetString());
        Assert.True(number.GetProperty("ported").GetBoolean());
    }

    [Fact]
    public async Task Port_TwiceOver_DonorIsTheServingOperator_AndBackHomeLeavesThePortabilityDatabase()
    {
        await PortAsync(RegulatorHost.Syriatel, RegulatorHost.Mtn);
        Assert.Equal("SYRIATEL", await ServingAsync());

        var (_, second) = await _host.PostAsync("/ports", RegulatorHost.Mtn, new { number = Number });
        Assert.Equal("SYRIATEL", second.GetProperty("donor").GetString());
        var id = second.GetProperty("id").GetString()!;
        await StepAsync(id, "accept", RegulatorHost.Syriatel);
        await StepAsync(id, "schedule", RegulatorHost.Mtn, new { portAt = RegulatorHost.Start });
        await StepAsync(id, "complete", RegulatorHost.Mtn);

        var (_, number) = await _host.GetAsync("/numbers/0944123456");
        Assert.Equal("MTN", number.GetProperty("servingOperator").GetString());
        Assert.False(number.GetProperty("ported").GetBoolean());
    }

    private async Task PortAsync(string recipient, string donor)
    {
        var id = await SubmitAsync(recipient);
        Assert.Equal(200, (await StepAsync(id, "accept", donor)).Status);
        Assert.Equal(200, (await StepAsync(id, "schedule", recipient, new { portAt = RegulatorHost.Start })).Status);
        Assert.Equal(200, (await StepAsync(id, "complete", recipient)).Status);
    }

    [Theory]
    [InlineData("accept", RegulatorHost.Syriatel, "only MTN may accept")]
    [InlineData("accept", RegulatorHost.Wafa, "only MTN may accept")]
    [InlineData("reject", RegulatorHost.Syriatel, "only MTN may reject")]
    [InlineData("schedule", RegulatorHost.Mtn, "only SYRIATEL may schedule")]
    [InlineData("cancel", RegulatorHost.Mtn, "only SYRIATEL may cancel")]
    [InlineData("cancel", RegulatorHost.Wafa, "only SYRIATEL may cancel")]
    public async Task Port_EachOperator_OnlyItsOwnSide(string step, string client, string detail)
    {
        var id = await SubmitAsync();

        RegulatorHost.AssertProblem(await StepAsync(id, step, client, new { reason = "number-not-active", portAt = RegulatorHost.Start }), 403, "not-permitted", detail);
        Assert.Equal("validated", (await _host.GetAsync($"/ports/{id}")).Body.GetProperty("state").GetString());
    }

    [Theory]
    [InlineData(null, 401, "client-required")]
    [InlineData("SY/GOV/MOCT/portal", 403, "not-permitted")]
    [InlineData("IQ/COM/ZAIN/np", 403, "not-permitted")]
    public async Task Port_OnlyOperators_MaySubmit(string? client, int status, string code)
    {
        RegulatorHost.AssertProblem(await _host.PostAsync("/ports", client, new { number = Number }), status, code);
        Assert.Equal(0, await OpenRequestsAsync());
    }

    [Fact]
    public async Task Port_Reject_NeedsAReasonCode_AndEndsTheRequest()
    {
        var id = await SubmitAsync();

        RegulatorHost.AssertProblem(await StepAsync(id, "reject", RegulatorHost.Mtn, new { reason = "owes-money" }), 400, "malformed-request", "subscriber-id-mismatch");
        var (status, rejected) = await StepAsync(id, "reject", RegulatorHost.Mtn, new { reason = "subscriber-id-mismatch" });

        Assert.Equal(200, status);
        Assert.Equal("rejected", rejected.GetProperty("state").GetString());
        Assert.Equal("subscriber-id-mismatch", rejected.GetProperty("rejectReason").GetString());
        RegulatorHost.AssertProblem(await StepAsync(id, "accept", RegulatorHost.Mtn), 409, "transition-not-allowed", "is rejected");
        Assert.Equal(201, (await _host.PostAsync("/ports", RegulatorHost.Syriatel, new { number = Number })).Status);
    }

    [Fact]
    public async Task Port_DonorSilentPastTheDeadline_IsAccepted_AndTheDonorCanNoLongerReject()
    {
        var id = await SubmitAsync();
        _host.Time.Advance(TimeSpan.FromHours(47));
        Assert.Equal("validated", (await _host.GetAsync($"/ports/{id}")).Body.GetProperty("state").GetString());

        _host.Time.Advance(TimeSpan.FromHours(1));
        RegulatorHost.AssertProblem(await StepAsync(id, "reject", RegulatorHost.Mtn, new { reason = "number-not-active" }), 409, "deadline-passed", "2026-12-03T09:00:00Z");

        var (_, request) = await _host.GetAsync($"/ports/{id}");
        Assert.Equal("accepted", request.GetProperty("state").GetString());
        var last = request.GetProperty("steps").EnumerateArray().Last();
        Assert.Equal("regulator", last.GetProperty("by").GetString());
        Assert.Contains("did not answer", last.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Equal(200, (await StepAsync(id, "schedule", RegulatorHost.Syriatel, new { portAt = _host.Time.GetUtcNow() })).Status);
    }

    [Fact]
    public async Task Port_DeadlineReachedOnRead_IsAcceptedOnce()
    {
        var id = await SubmitAsync();
        _host.Time.Advance(TimeSpan.FromHours(49));

        await _host.GetAsync($"/ports/{id}");
        var (_, request) = await _host.GetAsync($"/ports/{id}");

        Assert.Equal(1, request.GetProperty("steps").EnumerateArray().Count(s => s.GetProperty("to").GetString() == "accepted"));
    }

    [Fact]
    public async Task Port_ScheduledThenCancelled_LeavesTheNumberWithItsDonor()
    {
        var id = await SubmitAsync();
        await StepAsync(id, "accept", RegulatorHost.Mtn);
        await StepAsync(id, "schedule", RegulatorHost.Syriatel, new { portAt = RegulatorHost.Start.AddHours(2) });

        var (status, cancelled) = await StepAsync(id, "cancel", RegulatorHost.Syriatel, new { from = "scheduled" });

        Assert.Equal(200, status);
        Assert.Equal("cancelled", cancelled.GetProperty("state").GetString());
        _host.Time.Advance(TimeSpan.FromHours(3));
        RegulatorHost.AssertProblem(await StepAsync(id, "complete", RegulatorHost.Syriatel), 409, "transition-not-allowed", "is cancelled");
        Assert.Equal("MTN", await ServingAsync());
    }

    [Fact]
    public async Task Port_OneOpenRequestPerNumber()
    {
        var id = await SubmitAsync();

        RegulatorHost.AssertProblem(await _host.PostAsync("/ports", RegulatorHost.Wafa, new { number = "+963944123456" }), 409, "port-open", id);
        Assert.Equal(1, await OpenRequestsAsync());
        Assert.Equal(200, (await StepAsync(id, "cancel", RegulatorHost.Syriatel)).Status);
        Assert.Equal(201, (await _host.PostAsync("/ports", RegulatorHost.Wafa, new { number = "+963944123456" })).Status);
    }

    [Theory]
    [InlineData("0955 123 456", "number-not-allocated", "not a number of an allocated block")]
    [InlineData("0944 123 45", "number-not-allocated", "have 9 digits")]
    [InlineData("+964 770 123 4567", "number-not-allocated", "not a number of an allocated block")]
    public async Task Port_NumberNotAllocated_IsRefusedAndNothingStored(string number, string code, string detail)
    {
        RegulatorHost.AssertProblem(await _host.PostAsync("/ports", RegulatorHost.Syriatel, new { number }), 422, code, detail);
        Assert.Empty((await _host.GetAsync("/ports")).Body.GetProperty("requests").EnumerateArray());
    }

    [Fact]
    public async Task Port_OfAFreeOrQuarantinedBlock_IsRefused()
    {
        await _host.PostAsync("/blocks", RegulatorHost.Staff, new { prefix = "92", nsnLength = 9, type = "mobile" });
        RegulatorHost.AssertProblem(await _host.PostAsync("/ports", RegulatorHost.Syriatel, new { number = "0922 000 111" }), 422, "number-not-allocated", "which is free");

        await _host.PostAsync("/blocks/94/state", RegulatorHost.Staff, new { state = "withdrawn" });
        await _host.PostAsync("/blocks/94/state", RegulatorHost.Staff, new { state = "quarantine" });
        RegulatorHost.AssertProblem(await _host.PostAsync("/ports", RegulatorHost.Syriatel, new { number = Number }), 422, "number-in-quarantine", "in quarantine");
        Assert.Empty((await _host.GetAsync("/ports")).Body.GetProperty("requests").EnumerateArray());
    }

    [Theory]
    [InlineData("0944 12x 456", 400, "malformed-number")]
    [InlineData("+999 944 123", 422, "unknown-country-code")]
    public async Task Port_UnreadableNumber_IsRefused(string number, int status, string code) =>
        RegulatorHost.AssertProblem(await _host.PostAsync("/ports", RegulatorHost.Syriatel, new { number }), status, code);

    [Fact]
    public async Task Port_ToTheOperatorServingItAlready_IsRefused() =>
        RegulatorHost.AssertProblem(await _host.PostAsync("/ports", RegulatorHost.Mtn, new { number = Number }), 422, "same-operator", "served by MTN already");

    [Theory]
    [InlineData("complete", "allowed only from scheduled")]
    [InlineData("schedule", "allowed only from accepted")]
    public async Task Port_StepNotAllowedFromTheState_IsRefused(string step, string detail)
    {
        var id = await SubmitAsync();

        RegulatorHost.AssertProblem(await StepAsync(id, step, RegulatorHost.Syriatel, new { portAt = RegulatorHost.Start }), 409, "transition-not-allowed", detail);
        Assert.Equal("validated", (await _host.GetAsync($"/ports/{id}")).Body.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Port_UnknownOrMalformed_IsRefused()
    {
        RegulatorHost.AssertProblem(await _host.GetAsync("/ports/NP-000099"), 404, "port-not-found");
        RegulatorHost.AssertProblem(await _host.GetAsync("/ports/99"), 400, "malformed-request", "NP-000001");
        var id = await SubmitAsync();
        RegulatorHost.AssertProblem(await StepAsync(id, "approve", RegulatorHost.Mtn), 400, "malformed-request", "accept, reject, schedule, complete, cancel");
        RegulatorHost.AssertProblem(await StepAsync(id, "schedule", RegulatorHost.Syriatel, new { portAt = RegulatorHost.Start.AddDays(-1) }), 400, "malformed-request", "portAt");
    }

    /// <summary>Without the state it saw, a step is judged on the state it finds: accepted, then cancelled by the recipient, is allowed.</summary>
    [Fact]
    public async Task Port_CancelAfterAccept_WithoutExpectedState_IsAllowed()
    {
        var id = await SubmitAsync();

        Assert.Equal(200, (await StepAsync(id, "accept", RegulatorHost.Mtn)).Status);
        Assert.Equal("cancelled", (await StepAsync(id, "cancel", RegulatorHost.Syriatel)).Body.GetProperty("state").GetString());
        RegulatorHost.AssertProblem(await StepAsync(id, "cancel", RegulatorHost.Syriatel, new { from = "accepted" }), 409, "state-changed", "is cancelled now, not accepted");
    }

    /// <summary>The donor accepts and the recipient cancels at once, each from the state it saw, over real HTTP: exactly one is taken, and the other refused.</summary>
    [Fact]
    public async Task Port_ConcurrentAcceptAndCancel_ExactlyOneWins()
    {
        for (var round = 0; round < 8; round++)
        {
            var id = await SubmitAsync(number: $"0944 000 00{round}");
            using var start = new Barrier(2);
            var accept = Task.Run(() => { start.SignalAndWait(); return StepAsync(id, "accept", RegulatorHost.Mtn, new { from = "validated" }); });
            var cancel = Task.Run(() => { start.SignalAndWait(); return StepAsync(id, "cancel", RegulatorHost.Syriatel, new { from = "validated" }); });
            var answers = await Task.WhenAll(accept, cancel);

            var won = answers.Where(a => a.Status == 200).ToList();
            Assert.Single(won);
            var lost = answers.Single(a => a.Status != 200);
            RegulatorHost.AssertProblem(lost, 409, "state-changed", "not validated");
            var (_, request) = await _host.GetAsync($"/ports/{id}");
            Assert.Equal(won[0].Body.GetProperty("state").GetString(), request.GetProperty("state").GetString());
            Assert.Equal(3, request.GetProperty("steps").GetArrayLength());
        }
    }

    /// <summary>Two operators submit for one number at once: one request is stored.</summary>
    [Fact]
    public async Task Port_ConcurrentSubmissions_OneRequestPerNumber()
    {
        using var start = new Barrier(2);
        var a = Task.Run(() => { start.SignalAndWait(); return _host.PostAsync("/ports", RegulatorHost.Syriatel, new { number = Number }); });
        var b = Task.Run(() => { start.SignalAndWait(); return _host.PostAsync("/ports", RegulatorHost.Wafa, new { number = Number }); });
        var answers = await Task.WhenAll(a, b);

        Assert.Single(answers, x => x.Status == 201);
        RegulatorHost.AssertProblem(answers.Single(x => x.Status != 201), 409, "port-open");
        Assert.Equal(1, await OpenRequestsAsync());
    }
}

public sealed class SqlitePortabilityApiTests() : PortabilityApiTests(StoreKind.Sqlite);

public sealed class PostgresPortabilityApiTests() : PortabilityApiTests(StoreKind.Postgres);

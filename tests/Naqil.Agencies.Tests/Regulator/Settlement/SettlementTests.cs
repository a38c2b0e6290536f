using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Naqil.Agencies.Regulator;
using Naqil.Agencies.Regulator.Settlement;

namespace Naqil.Agencies.Tests.Regulator.Settlement;

public sealed class ReconciliationTests
{
    private static SettlementStatement Statement(string country, string partner, params StatementLine[] lines) => new("2026-11", country, partner, lines);

    [Theory]
    [InlineData(1_000_000, 1_010_000, false)]
    [InlineData(1_000_000, 1_010_300, true)]
    [InlineData(1_000_000, 990_000, false)]
    [InlineData(1_000_000, 989_000, true)]
    [InlineData(0, 0, false)]
    [InlineData(0, 1, true)]
    public void Line_DifferenceAboveOnePercentOfTheLarger_IsADispute(long ours, long theirs, bool dispute)
    {
        var lines = Reconciliation.Reconcile(
            Statement("SY", "IQ", new StatementLine("SY", "IQ", "MTN", "ZAIN-IQ", "voice-mobile", ours)),
            Statement("IQ", "SY", new StatementLine("SY", "IQ", "MTN", "ZAIN-IQ", "voice-mobile", theirs)));

        var line = Assert.Single(lines);
        Assert.Equal(dispute, line.Dispute);
        Assert.Equal(ours, line.Ours);
        Assert.Equal(theirs, line.Theirs);
    }

    [Fact]
    public void Line_OnOneSideOnly_IsADisputeWithTheOtherFigureMissing()
    {
        var lines = Reconciliation.Reconcile(
            Statement("SY", "IQ", new StatementLine("IQ", "SY", "KOREK", "MTN", "voice-mobile", 5)),
            Statement("IQ", "SY", new StatementLine("SY", "IQ", "MTN", "KOREK", "voice-mobile", 7)));

        Assert.Equal(2, lines.Count);
        Assert.All(lines, l => Assert.True(l.Dispute));
        Assert.Contains(lines, l => l.Ours == 5 && l.Theirs is null);
        Assert.Contains(lines, l => l.Ours is null && l.Theirs == 7);
    }

    [Fact]
    public void Synthetic_Statements_DisputeExactlyTheZainToMtnLine()
    {
        var lines = Reconciliation.Reconcile(SyntheticRegister.Statement("SY", "IQ", disputed: false), SyntheticRegister.Statement("IQ", "SY", disputed: true));

        var dispute = Assert.Single(lines, l => l.Dispute);
        Assert.Equal(("ZAIN-IQ", "MTN", 871_500L, 905_000L), (dispute.OriginCarrier, dispute.TerminatingCarrier, dispute.Ours!.Value, dispute.Theirs!.Value));
        Assert.Equal(3.7, dispute.DifferencePercent);
    }

    [Theory]
    [InlineData("2026-13", "period")]
    [InlineData("2026-11", "lines must hold")]
    public void Statement_Malformed_SaysWhatIsWrong(string period, string problem)
    {
        var statement = new SettlementStatement(period, "SY", "IQ", period == "2026-13" ? [new StatementLine("SY", "IQ", "A", "B", "voice-mobile", 1)] : []);

        Assert.Contains(problem, statement.Problem(), StringComparison.Ordinal);
    }

    [Fact]
    public void Statement_LineOfAnotherCountryPairOrTwice_IsRefused()
    {
        Assert.Contains("from and to must be SY and IQ", new SettlementStatement("2026-11", "SY", "IQ", [new StatementLine("SY", "JO", "A", "B", "voice-mobile", 1)]).Problem(), StringComparison.Ordinal);
        var line = new StatementLine("SY", "IQ", "A", "B", "voice-mobile", 1);
        Assert.Contains("appear twice", new SettlementStatement("2026-11", "SY", "IQ", [line, line with { Minutes = 2 }]).Problem(), StringComparison.Ordinal);
        Assert.Contains("trafficType", new SettlementStatement("2026-11", "SY", "IQ", [line with { TrafficType = "sms" }]).Problem(), StringComparison.Ordinal);
        Assert.Contains("negative", new SettlementStatement("2026-11", "SY", "IQ", [line with { Minutes = -1 }]).Problem(), StringComparison.Ordinal);
    }
}

/// <summary>
/// SY's regulator publishes its statement through a gateway's consumer face (a recording stand-in
/// on a real host), the event is delivered to IQ's regulator as a subscriber's gateway would, and
/// IQ reconciles it with its own.
/// </summary>
public abstract class SettlementExchangeTests(StoreKind kind) : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Path, string? Client, string? NaqilId, string Body)> _published = new();
    private WebApplication _gateway = null!;
    private RegulatorHost _syria = null!;
    private RegulatorHost _iraq = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _gateway = builder.Build();
        _gateway.MapPost("/e1/{**topic}", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            _published.Enqueue((request.Path, request.Headers["Naqil-Client"].ToString(), request.Headers["Naqil-Id"].ToString(), await reader.ReadToEndAsync()));
            return Results.StatusCode(202);
        });
        await _gateway.StartAsync(TestContext.Current.CancellationToken);
        var gatewayUrl = new Uri(_gateway.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        _syria = await RegulatorHost.StartAsync(kind, Regulators.Syria,
            SettlementExchangeOptions.For(Regulators.Syria, gatewayUrl, Regulators.Iraq) with { HostPublisher = false });
        _iraq = await RegulatorHost.StartAsync(kind, Regulators.Iraq, SettlementExchangeOptions.For(Regulators.Iraq, null, Regulators.Syria));
    }

    public async ValueTask DisposeAsync()
    {
        await _syria.DisposeAsync();
        await _iraq.DisposeAsync();
        await _gateway.StopAsync(CancellationToken.None);
        await _gateway.DisposeAsync();
    }

    private async Task<(int Status, System.Text.Json.JsonElement Body)> DeliverAsync(RegulatorHost to, string topic, string publisher, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/events/settlement") { Content = content };
        request.Headers.Add("Naqil-Service", topic);
        request.Headers.Add("Naqil-Client", publisher);
        request.Headers.Add("Naqil-Id", Guid.NewGuid().ToString());
        using var response = await to.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return ((int)response.StatusCode, System.Text.Json.JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task Statement_PublishedOnTheTopic_DeliveredToThePartner_ReconciledWithADispute()
    {
        var (status, put) = await _syria.PostAsync("/settlement/statements", RegulatorHost.Staff, SyntheticRegister.Statement("SY", "IQ", disputed: false));
        Assert.Equal(201, status);
        Assert.Equal("pending", put.GetProperty("state").GetString());
        Assert.Equal(200, (await _syria.PostAsync("/settlement/statements", RegulatorHost.Staff, SyntheticRegister.Statement("SY", "IQ", disputed: false))).Status);

        Assert.True(await _syria.Services.GetRequiredService<SettlementPublisher>().PublishPendingAsync(TestContext.Current.CancellationToken));

        var published = Assert.Single(_published);
        Assert.Equal("/e1/SY/GOV/SYTPRA/settlement/statements", published.Path);
        Assert.Equal("SY/GOV/SYTPRA/settlement", published.Client);
        Assert.Equal(put.GetProperty("naqilId").GetString(), published.NaqilId);
        Assert.Equal("published", (await _syria.GetAsync("/settlement/statements")).Body.GetProperty("statements")[0].GetProperty("state").GetString());

        Assert.Equal(201, (await DeliverAsync(_iraq, "SY/GOV/SYTPRA/settlement/statements", "SY/GOV/SYTPRA/settlement", published.Body)).Status);
        Assert.Equal(200, (await DeliverAsync(_iraq, "SY/GOV/SYTPRA/settlement/statements", "SY/GOV/SYTPRA/settlement", published.Body)).Status);
        await _iraq.PostAsync("/settlement/statements", "IQ/GOV/CMC/staff", SyntheticRegister.Statement("IQ", "SY", disputed: true));

        var (_, reconciled) = await _iraq.GetAsync("/settlement/2026-11/reconciliation");
        Assert.Equal("SY", reconciled.GetProperty("partner").GetString());
        Assert.Equal("received", reconciled.GetProperty("theirsState").GetString());
        Assert.Equal(7, reconciled.GetProperty("lines").GetInt32());
        Assert.Equal(1, reconciled.GetProperty("disputes").GetInt32());
        var dispute = reconciled.GetProperty("reconciled").EnumerateArray().Single(l => l.GetProperty("dispute").GetBoolean());
        Assert.Equal(905_000, dispute.GetProperty("ours").GetInt64());
        Assert.Equal(871_500, dispute.GetProperty("theirs").GetInt64());
    }

    [Fact]
    public async Task Received_FromAnotherTopicOrForAnotherCountry_IsRefusedAndNotStored()
    {
        var body = SyntheticRegister.Statement("SY", "IQ", disputed: false).ToJson();

        RegulatorHost.AssertProblem(await DeliverAsync(_iraq, "SY/GOV/POST/ems/item-events", "SY/GOV/SYTPRA/settlement", body), 422, "unknown-topic", "SY/GOV/SYTPRA/settlement/statements");
        RegulatorHost.AssertProblem(await DeliverAsync(_iraq, "SY/GOV/SYTPRA/settlement/statements", "JO/GOV/TRC/settlement", body), 422, "wrong-partner");
        RegulatorHost.AssertProblem(await DeliverAsync(_iraq, "SY/GOV/SYTPRA/settlement/statements", "SY/GOV/SYTPRA/settlement",
            SyntheticRegister.Statement("SY", "JO", disputed: false).ToJson().Replace("\"IQ\"", "\"JO\"", StringComparison.Ordinal)), 422, "wrong-partner");
        RegulatorHost.AssertProblem(await DeliverAsync(_iraq, "SY/GOV/SYTPRA/settlement/statements", "SY/GOV/SYTPRA/settlement", "{\"period\":"), 400, "malformed-request");
        Assert.Equal(0, (await _iraq.GetAsync("/settlement/statements")).Body.GetProperty("count").GetInt32());
        RegulatorHost.AssertProblem(await _iraq.GetAsync("/settlement/2026-11/reconciliation"), 404, "statement-not-found");
    }

    [Fact]
    public async Task Statement_IsTheRegulatorsOwn()
    {
        RegulatorHost.AssertProblem(await _syria.PostAsync("/settlement/statements", RegulatorHost.Syriatel, SyntheticRegister.Statement("SY", "IQ", false)), 403, "not-permitted");
        RegulatorHost.AssertProblem(await _syria.PostAsync("/settlement/statements", RegulatorHost.Staff, SyntheticRegister.Statement("IQ", "SY", false)), 422, "wrong-partner", "country SY, not IQ");
        Assert.Equal(0, (await _syria.GetAsync("/settlement/statements")).Body.GetProperty("count").GetInt32());
    }
}

public sealed class SqliteSettlementExchangeTests() : SettlementExchangeTests(StoreKind.Sqlite);

public sealed class PostgresSettlementExchangeTests() : SettlementExchangeTests(StoreKind.Postgres);

using System.Security.Cryptography;
using System.Text;
using Naqil.Agencies.Regulator.Settlement;
using Naqil.Agencies.Regulator.Storage;

namespace Naqil.Agencies.Regulator;

/// <summary>Both sides' statements of a month and their lines side by side.</summary>
internal sealed record ReconciledStatement(string Period, string Country, string Partner, StoredStatement? Ours, StoredStatement? Theirs, IReadOnlyList<ReconciledLine> Lines)
{
    public int Disputes => Lines.Count(l => l.Dispute);
}

internal sealed partial class RegulatorService
{
    public const string Pending = "pending";
    public const string Published = "published";
    public const string Failed = "failed";
    public const string Received = "received";
    public const string Local = "local";

    /// <summary>
    /// Records this regulator's statement for a month and queues it for the partner (when a gateway
    /// is configured). The same statement again is answered as it stands and not queued twice; a
    /// revised one replaces it and is published anew.
    /// </summary>
    public async Task<Outcome<StoredStatement>> PutStatementAsync(string? client, SettlementStatement? statement, CancellationToken cancellationToken)
    {
        if (RequireRegulator<StoredStatement>(client, "publishing a settlement statement") is { } refused)
        {
            return refused;
        }

        if (statement?.Problem() is { } problem || statement is null)
        {
            return Outcome<StoredStatement>.Refused(RegulatorError.MalformedRequest, statement is null ? "send a statement: {\"period\", \"country\", \"partner\", \"lines\": [...]}" : statement.Problem()!);
        }

        if (statement.Country != Profile.Country)
        {
            return Outcome<StoredStatement>.Refused(RegulatorError.WrongPartner, $"this is the regulator of {Profile.Country}: its statements have country {Profile.Country}, not {statement.Country}");
        }

        var body = statement.ToJson();
        var naqilId = StatementId(body);
        var now = time.GetUtcNow();
        var outcome = await WriteAsync(WriteScope.Statements, async d =>
        {
            if (await d.StatementAsync(statement.Period, statement.Country, statement.Partner) is { } held && held.NaqilId == naqilId)
            {
                return (Outcome<StoredStatement>.Ok(held), false);
            }

            var stored = new StoredStatement(statement.Period, statement.Country, statement.Partner, body, settlementSignal is null ? Local : Pending, naqilId, 0, null, now);
            await d.PutStatementAsync(stored);
            return (Outcome<StoredStatement>.Ok(stored, created: true), true);
        }, null, cancellationToken);
        if (outcome.Created)
        {
            settlementSignal?.Raise();
        }

        return outcome;
    }

    /// <summary>A partner regulator's statement, as this regulator's gateway delivers it from the partner's topic.</summary>
    public async Task<Outcome<StoredStatement>> ReceiveStatementAsync(string? topic, string? client, IReadOnlyList<string> partnerTopics, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (partnerTopics.Count > 0 && (topic is null || !partnerTopics.Contains(topic)))
        {
            return Outcome<StoredStatement>.Refused(RegulatorError.UnknownTopic,
                $"Naqil-Service '{RegulatorIds.Shown(topic)}' is not a topic this regulator takes statements from; it takes {string.Join(", ", partnerTopics)}");
        }

        var statement = SettlementStatement.TryParse(body.Span);
        if (statement?.Problem() is { } problem || statement is null)
        {
            return Outcome<StoredStatement>.Refused(RegulatorError.MalformedRequest, statement is null ? "send one settlement statement as JSON" : statement.Problem()!);
        }

        if (statement.Partner != Profile.Country || (client is not null && !client.StartsWith(statement.Country + "/", StringComparison.Ordinal)))
        {
            return Outcome<StoredStatement>.Refused(RegulatorError.WrongPartner,
                $"a statement from {statement.Country} for {statement.Partner}, published by {RegulatorIds.Shown(client)}: this regulator takes statements for {Profile.Country}, each published by the regulator of its country");
        }

        var text = statement.ToJson();
        var naqilId = StatementId(text);
        var now = time.GetUtcNow();
        return await WriteAsync(WriteScope.Statements, async d =>
        {
            if (await d.StatementAsync(statement.Period, statement.Country, statement.Partner) is { } held && held.NaqilId == naqilId)
            {
                return (Outcome<StoredStatement>.Ok(held), false);
            }

            var stored = new StoredStatement(statement.Period, statement.Country, statement.Partner, text, Received, naqilId, 0, null, now);
            await d.PutStatementAsync(stored);
            return (Outcome<StoredStatement>.Ok(stored, created: true), true);
        }, null, cancellationToken);
    }

    /// <summary>This regulator's and the partner's statements of <paramref name="period"/> line by line; differences above 1% (or a line one side lacks) are disputes.</summary>
    public async Task<Outcome<ReconciledStatement>> ReconcileAsync(string period, string partner, CancellationToken cancellationToken)
    {
        var (ours, theirs) = await store.ReadAsync(async d => (await d.StatementAsync(period, Profile.Country, partner), await d.StatementAsync(period, partner, Profile.Country)), cancellationToken);
        if (ours is null && theirs is null)
        {
            return Outcome<ReconciledStatement>.Refused(RegulatorError.StatementNotFound,
                $"neither {Profile.Country} nor {RegulatorIds.Shown(partner)} has a statement for {RegulatorIds.Shown(period)}; publish one with POST /settlement/statements");
        }

        var lines = Reconciliation.Reconcile(Parse(ours), Parse(theirs));
        return Outcome<ReconciledStatement>.Ok(new ReconciledStatement(period, Profile.Country, partner, ours, theirs, lines));

        static SettlementStatement? Parse(StoredStatement? s) => s is null ? null : SettlementStatement.TryParse(Encoding.UTF8.GetBytes(s.Body));
    }

    public Task<IReadOnlyList<StoredStatement>> StatementsAsync(string? state, int limit, CancellationToken cancellationToken) =>
        store.ReadAsync(d => d.StatementsAsync(state, limit), cancellationToken);

    /// <summary>Records one attempt to publish a statement.</summary>
    public Task MarkPublicationAsync(StoredStatement statement, string state, string? error, CancellationToken cancellationToken) =>
        WriteAsync(WriteScope.Statements, async d =>
        {
            if (await d.StatementAsync(statement.Period, statement.Country, statement.Partner) is { } held && held.NaqilId == statement.NaqilId)
            {
                await d.PutStatementAsync(held with { State = state, Attempts = held.Attempts + 1, LastError = error, Updated = time.GetUtcNow() });
                return (true, true);
            }

            return (false, false);
        }, null, cancellationToken);

    /// <summary>The statement's Naqil-Id: the same body always has the same id (a resend is the same publication), stamped as an RFC 9562 UUIDv8.</summary>
    public static string StatementId(string body)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("naqil-settlement-statement/1\n" + body));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString("D");
    }
}

using System.Data.Common;
using System.Globalization;
using Naqil.Agencies.Regulator.Numbering;
using Naqil.Agencies.Regulator.Portability;
using Naqil.Agencies.Regulator.Routes;
using static Naqil.Agencies.Storage.AgencyDb;

namespace Naqil.Agencies.Regulator.Storage;

/// <summary>
/// The regulator's tables over ADO.NET, shared by the SQLite and PostgreSQL stores. History
/// (block changes, port steps, route changes) is only ever appended. One open port request per
/// number is also a unique index, so even a write that slipped past the checks could not store two.
/// </summary>
internal abstract class DbRegulatorStore : IRegulatorStore
{
    protected const string Schema = """
        CREATE TABLE IF NOT EXISTS regulator_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            country TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS blocks (
            prefix TEXT PRIMARY KEY,
            nsn_length BIGINT NOT NULL,
            type TEXT NOT NULL,
            area TEXT,
            state TEXT NOT NULL,
            operator TEXT,
            since TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS block_changes (
            seq @@SEQ@@,
            prefix TEXT NOT NULL REFERENCES blocks (prefix),
            from_state TEXT,
            to_state TEXT NOT NULL,
            operator TEXT,
            at TEXT NOT NULL,
            note TEXT);
        CREATE INDEX IF NOT EXISTS block_changes_prefix ON block_changes (prefix, seq);
        CREATE TABLE IF NOT EXISTS port_requests (
            seq @@SEQ@@,
            number BIGINT NOT NULL,
            recipient TEXT NOT NULL,
            donor TEXT NOT NULL,
            state TEXT NOT NULL,
            reject_reason TEXT,
            submitted TEXT NOT NULL,
            donor_deadline TEXT NOT NULL,
            port_at TEXT,
            updated TEXT NOT NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS port_requests_open ON port_requests (number) WHERE state IN ('submitted', 'validated', 'accepted', 'scheduled');
        CREATE TABLE IF NOT EXISTS port_steps (
            seq @@SEQ@@,
            request BIGINT NOT NULL REFERENCES port_requests (seq),
            from_state TEXT,
            to_state TEXT NOT NULL,
            by_party TEXT NOT NULL,
            at TEXT NOT NULL,
            note TEXT);
        CREATE INDEX IF NOT EXISTS port_steps_request ON port_steps (request, seq);
        CREATE TABLE IF NOT EXISTS ported_numbers (
            number BIGINT PRIMARY KEY,
            operator TEXT NOT NULL,
            since TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS links (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            operator TEXT NOT NULL,
            capacity_gbps @@DOUBLE@@ NOT NULL,
            used_gbps @@DOUBLE@@ NOT NULL,
            landing_points TEXT NOT NULL,
            status TEXT NOT NULL,
            since TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS routes (
            destination TEXT NOT NULL,
            preference BIGINT NOT NULL,
            link TEXT NOT NULL REFERENCES links (id),
            PRIMARY KEY (destination, link));
        CREATE TABLE IF NOT EXISTS route_changes (
            seq @@SEQ@@,
            destination TEXT NOT NULL,
            from_link TEXT,
            to_link TEXT,
            at TEXT NOT NULL,
            reason TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS statements (
            period TEXT NOT NULL,
            country TEXT NOT NULL,
            partner TEXT NOT NULL,
            body TEXT NOT NULL,
            state TEXT NOT NULL,
            naqil_id TEXT NOT NULL,
            attempts BIGINT NOT NULL,
            last_error TEXT,
            updated TEXT NOT NULL,
            PRIMARY KEY (period, country, partner));
        """;

    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Begins a write that holds <paramref name="scope"/>'s lock from before its first read until it ends.</summary>
    protected abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, WriteScope scope, CancellationToken cancellationToken);

    protected virtual Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    protected virtual Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    protected abstract string SchemaSql { get; }

    /// <summary>What a read of a row to change adds, inside a write: PostgreSQL's <c>FOR UPDATE</c>.</summary>
    protected virtual string LockRow => "";

    protected abstract string Describe();

    public async Task InitializeAsync(string country, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await PrepareAsync(connection, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockSchemaAsync(connection, transaction, cancellationToken);
        var data = new Data(this, connection, transaction, cancellationToken);
        await data.ExecuteAsync(SchemaSql);
        await data.ExecuteAsync("INSERT INTO regulator_state (id, country) VALUES (1, @country) ON CONFLICT (id) DO NOTHING;", ("country", country));
        string? stored = null;
        await data.QueryAsync("SELECT country FROM regulator_state WHERE id = 1;", r => stored = r.GetString(0));
        if (stored != country)
        {
            throw new InvalidOperationException($"The regulator database {Describe()} belongs to the regulator of {stored}, not {country}; give each regulator its own database.");
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<T> ReadAsync<T>(Func<IRegulatorData, Task<T>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        await using var connection = await OpenAsync(cancellationToken);
        return await read(new Data(this, connection, null, cancellationToken));
    }

    public async Task<T> WriteAsync<T>(WriteScope scope, Func<IRegulatorData, Task<(T Value, bool Commit)>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, scope, cancellationToken);
        var (value, commit) = await work(new Data(this, connection, transaction, cancellationToken));
        if (commit)
        {
            await transaction.CommitAsync(cancellationToken);
        }
        else
        {
            await transaction.RollbackAsync(cancellationToken);
        }

        return value;
    }

    public void Dispose()
    {
        DisposeCore();
        GC.SuppressFinalize(this);
    }

    protected abstract void DisposeCore();

    private static string Text(DateTimeOffset time) => time.ToString("o", CultureInfo.InvariantCulture);

    private static string? Text(DateTimeOffset? time) => time is { } t ? Text(t) : null;

    private static DateTimeOffset Time(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static string? NullableString(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static T Parse<T>(string text)
        where T : struct, Enum => Enum.Parse<T>(text.Replace("-", "", StringComparison.Ordinal), ignoreCase: true);

    /// <summary>The data of one connection, inside a write's transaction or not.</summary>
    private sealed class Data(DbRegulatorStore store, DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken) : IRegulatorData
    {
        private const string BlockColumns = "prefix, nsn_length, type, area, state, operator, since";
        private const string PortColumns = "seq, number, recipient, donor, state, reject_reason, submitted, donor_deadline, port_at, updated";
        private const string LinkColumns = "id, name, kind, operator, capacity_gbps, used_gbps, landing_points, status, since";
        private const string StatementColumns = "period, country, partner, body, state, naqil_id, attempts, last_error, updated";

        private string LockRow => transaction is null ? "" : store.LockRow;

        public Task ExecuteAsync(string sql, params (string Name, object? Value)[] parameters) =>
            Naqil.Agencies.Storage.AgencyDb.ExecuteAsync(connection, transaction, sql, cancellationToken, parameters);

        public async Task QueryAsync(string sql, Action<DbDataReader> row, params (string Name, object? Value)[] parameters)
        {
            await using var command = Command(connection, transaction, sql, parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                row(reader);
            }
        }

        private async Task<List<T>> ListAsync<T>(string sql, Func<DbDataReader, T> row, params (string Name, object? Value)[] parameters)
        {
            var list = new List<T>();
            await QueryAsync(sql, r => list.Add(row(r)), parameters);
            return list;
        }

        private static NumberBlock ReadBlock(DbDataReader r) => new(r.GetString(0), (int)r.GetInt64(1), Parse<NumberType>(r.GetString(2)), NullableString(r, 3),
            Parse<BlockState>(r.GetString(4)), NullableString(r, 5), Time(r.GetString(6)));

        private static PortRequest ReadPort(DbDataReader r) => new(RegulatorIds.PortId(r.GetInt64(0)), r.GetInt64(1), r.GetString(2), r.GetString(3), Parse<PortState>(r.GetString(4)),
            NullableString(r, 5), Time(r.GetString(6)), Time(r.GetString(7)), r.IsDBNull(8) ? null : Time(r.GetString(8)), Time(r.GetString(9)));

        private static InternationalLink ReadLink(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetDouble(4), r.GetDouble(5),
            r.GetString(6).Split('|', StringSplitOptions.RemoveEmptyEntries), Parse<LinkStatus>(r.GetString(7)), Time(r.GetString(8)));

        private static StoredStatement ReadStatement(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
            (int)r.GetInt64(6), NullableString(r, 7), Time(r.GetString(8)));

        public async Task<NumberBlock?> BlockAsync(string prefix) =>
            (await ListAsync($"SELECT {BlockColumns} FROM blocks WHERE prefix = @prefix{LockRow};", ReadBlock, ("prefix", prefix))).FirstOrDefault();

        public async Task<IReadOnlyList<NumberBlock>> BlocksAsync() => await ListAsync($"SELECT {BlockColumns} FROM blocks ORDER BY prefix;", ReadBlock);

        public async Task<IReadOnlyList<string>> OverlappingAsync(string prefix) =>
            await ListAsync("SELECT prefix FROM blocks WHERE substr(@prefix, 1, length(prefix)) = prefix OR substr(prefix, 1, length(@prefix)) = @prefix ORDER BY prefix;",
                r => r.GetString(0), ("prefix", prefix));

        public Task InsertBlockAsync(NumberBlock block) => ExecuteAsync(
            $"INSERT INTO blocks ({BlockColumns}) VALUES (@prefix, @length, @type, @area, @state, @operator, @since);",
            ("prefix", block.Prefix), ("length", (long)block.NsnLength), ("type", NumberingPlan.Name(block.Type)), ("area", block.Area),
            ("state", NumberingPlan.Name(block.State)), ("operator", block.Operator), ("since", Text(block.Since)));

        public Task UpdateBlockAsync(NumberBlock block) => ExecuteAsync(
            "UPDATE blocks SET state = @state, operator = @operator, since = @since WHERE prefix = @prefix;",
            ("prefix", block.Prefix), ("state", NumberingPlan.Name(block.State)), ("operator", block.Operator), ("since", Text(block.Since)));

        public Task AddBlockChangeAsync(BlockChange change) => ExecuteAsync(
            "INSERT INTO block_changes (prefix, from_state, to_state, operator, at, note) VALUES (@prefix, @from, @to, @operator, @at, @note);",
            ("prefix", change.Prefix), ("from", change.From is { } f ? NumberingPlan.Name(f) : null), ("to", NumberingPlan.Name(change.To)),
            ("operator", change.Operator), ("at", Text(change.At)), ("note", change.Note));

        public async Task<IReadOnlyList<BlockChange>> BlockHistoryAsync(string prefix) => await ListAsync(
            "SELECT prefix, from_state, to_state, operator, at, note FROM block_changes WHERE prefix = @prefix ORDER BY seq;",
            r => new BlockChange(r.GetString(0), r.IsDBNull(1) ? null : Parse<BlockState>(r.GetString(1)), Parse<BlockState>(r.GetString(2)), NullableString(r, 3), Time(r.GetString(4)), NullableString(r, 5)),
            ("prefix", prefix));

        public async Task<PortRequest?> PortAsync(long seq) =>
            (await ListAsync($"SELECT {PortColumns} FROM port_requests WHERE seq = @seq{LockRow};", ReadPort, ("seq", seq))).FirstOrDefault();

        public async Task<PortRequest?> OpenPortForAsync(long number) =>
            (await ListAsync($"SELECT {PortColumns} FROM port_requests WHERE number = @number AND state IN {PortRules.OpenStatesSql}{LockRow};", ReadPort, ("number", number))).FirstOrDefault();

        public async Task<IReadOnlyList<PortRequest>> PortsAsync(string? operatorCode, int limit) => await ListAsync(
            $"SELECT {PortColumns} FROM port_requests" + (operatorCode is null ? "" : " WHERE recipient = @op OR donor = @op") + " ORDER BY seq DESC LIMIT @limit;",
            ReadPort, ("op", operatorCode ?? ""), ("limit", (long)limit));

        public async Task<long> InsertPortAsync(PortRequest request)
        {
            long seq = 0;
            await QueryAsync(
                "INSERT INTO port_requests (number, recipient, donor, state, reject_reason, submitted, donor_deadline, port_at, updated) " +
                "VALUES (@number, @recipient, @donor, @state, @reason, @submitted, @deadline, @portAt, @updated) RETURNING seq;",
                r => seq = r.GetInt64(0),
                ("number", request.Number), ("recipient", request.Recipient), ("donor", request.Donor), ("state", PortRules.Name(request.State)), ("reason", request.RejectReason),
                ("submitted", Text(request.Submitted)), ("deadline", Text(request.DonorDeadline)), ("portAt", Text(request.PortAt)), ("updated", Text(request.Updated)));
            return seq;
        }

        public Task UpdatePortAsync(long seq, PortRequest request) => ExecuteAsync(
            "UPDATE port_requests SET state = @state, reject_reason = @reason, port_at = @portAt, updated = @updated WHERE seq = @seq;",
            ("seq", seq), ("state", PortRules.Name(request.State)), ("reason", request.RejectReason), ("portAt", Text(request.PortAt)), ("updated", Text(request.Updated)));

        public Task AddPortStepAsync(long seq, PortStep step) => ExecuteAsync(
            "INSERT INTO port_steps (request, from_state, to_state, by_party, at, note) VALUES (@request, @from, @to, @by, @at, @note);",
            ("request", seq), ("from", step.From is { } f ? PortRules.Name(f) : null), ("to", PortRules.Name(step.To)), ("by", step.By), ("at", Text(step.At)), ("note", step.Note));

        public async Task<IReadOnlyList<PortStep>> PortHistoryAsync(long seq) => await ListAsync(
            "SELECT from_state, to_state, by_party, at, note FROM port_steps WHERE request = @request ORDER BY seq;",
            r => new PortStep(RegulatorIds.PortId(seq), r.IsDBNull(0) ? null : Parse<PortState>(r.GetString(0)), Parse<PortState>(r.GetString(1)), r.GetString(2), Time(r.GetString(3)), NullableString(r, 4)),
            ("request", seq));

        public async Task<string?> PortedAsync(long number) =>
            (await ListAsync("SELECT operator FROM ported_numbers WHERE number = @number;", r => r.GetString(0), ("number", number))).FirstOrDefault();

        public Task SetPortedAsync(long number, string? servingOperator, DateTimeOffset since) => servingOperator is null
            ? ExecuteAsync("DELETE FROM ported_numbers WHERE number = @number;", ("number", number))
            : ExecuteAsync("INSERT INTO ported_numbers (number, operator, since) VALUES (@number, @operator, @since) ON CONFLICT (number) DO UPDATE SET operator = excluded.operator, since = excluded.since;",
                ("number", number), ("operator", servingOperator), ("since", Text(since)));

        public async Task<IReadOnlyList<(long Number, string Operator)>> AllPortedAsync() =>
            await ListAsync("SELECT number, operator FROM ported_numbers;", r => (r.GetInt64(0), r.GetString(1)));

        public async Task<IReadOnlyList<InternationalLink>> LinksAsync() => await ListAsync($"SELECT {LinkColumns} FROM links ORDER BY id;", ReadLink);

        public Task PutLinkAsync(InternationalLink link) => ExecuteAsync(
            $"INSERT INTO links ({LinkColumns}) VALUES (@id, @name, @kind, @operator, @capacity, @used, @landing, @status, @since) " +
            "ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, operator = excluded.operator, capacity_gbps = excluded.capacity_gbps, " +
            "used_gbps = excluded.used_gbps, landing_points = excluded.landing_points, status = excluded.status, since = excluded.since;",
            ("id", link.Id), ("name", link.Name), ("kind", link.Kind), ("operator", link.Operator), ("capacity", link.CapacityGbps), ("used", link.UsedGbps),
            ("landing", string.Join('|', link.LandingPoints)), ("status", RouteTable.Name(link.Status)), ("since", Text(link.Since)));

        public async Task<IReadOnlyList<RouteEntry>> RoutesAsync() =>
            await ListAsync("SELECT destination, preference, link FROM routes ORDER BY destination, preference;", r => new RouteEntry(r.GetString(0), (int)r.GetInt64(1), r.GetString(2)));

        public async Task ReplaceRoutesAsync(string destination, IReadOnlyList<RouteEntry> routes)
        {
            await ExecuteAsync("DELETE FROM routes WHERE destination = @destination;", ("destination", destination));
            foreach (var route in routes)
            {
                await ExecuteAsync("INSERT INTO routes (destination, preference, link) VALUES (@destination, @preference, @link);",
                    ("destination", destination), ("preference", (long)route.Preference), ("link", route.Link));
            }
        }

        public Task AddRouteChangeAsync(RouteChange change) => ExecuteAsync(
            "INSERT INTO route_changes (destination, from_link, to_link, at, reason) VALUES (@destination, @from, @to, @at, @reason);",
            ("destination", change.Destination), ("from", change.From), ("to", change.To), ("at", Text(change.At)), ("reason", change.Reason));

        public async Task<IReadOnlyList<RouteChange>> RouteChangesAsync(string? destination, int limit) => await ListAsync(
            "SELECT destination, from_link, to_link, at, reason FROM route_changes" + (destination is null ? "" : " WHERE destination = @destination") + " ORDER BY seq DESC LIMIT @limit;",
            r => new RouteChange(r.GetString(0), NullableString(r, 1), NullableString(r, 2), Time(r.GetString(3)), r.GetString(4)),
            ("destination", destination ?? ""), ("limit", (long)limit));

        public async Task<StoredStatement?> StatementAsync(string period, string country, string partner) => (await ListAsync(
            $"SELECT {StatementColumns} FROM statements WHERE period = @period AND country = @country AND partner = @partner{LockRow};", ReadStatement,
            ("period", period), ("country", country), ("partner", partner))).FirstOrDefault();

        public Task PutStatementAsync(StoredStatement s) => ExecuteAsync(
            $"INSERT INTO statements ({StatementColumns}) VALUES (@period, @country, @partner, @body, @state, @id, @attempts, @error, @updated) " +
            "ON CONFLICT (period, country, partner) DO UPDATE SET body = excluded.body, state = excluded.state, naqil_id = excluded.naqil_id, " +
            "attempts = excluded.attempts, last_error = excluded.last_error, updated = excluded.updated;",
            ("period", s.Period), ("country", s.Country), ("partner", s.Partner), ("body", s.Body), ("state", s.State), ("id", s.NaqilId),
            ("attempts", (long)s.Attempts), ("error", s.LastError), ("updated", Text(s.Updated)));

        public async Task<IReadOnlyList<StoredStatement>> StatementsAsync(string? state, int limit) => await ListAsync(
            $"SELECT {StatementColumns} FROM statements" + (state is null ? "" : " WHERE state = @state") + " ORDER BY period DESC, country, partner LIMIT @limit;",
            ReadStatement, ("state", state ?? ""), ("limit", (long)limit));
    }
}

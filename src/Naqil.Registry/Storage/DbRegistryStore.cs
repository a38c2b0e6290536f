using System.Data.Common;
using System.Security.Cryptography;
using Naqil.Identifiers;

namespace Naqil.Registry.Storage;

/// <summary>
/// The registry's tables and statements over ADO.NET, shared by the SQLite and PostgreSQL stores:
/// the SQL is the common subset of both (ON CONFLICT, RETURNING, foreign keys with ON DELETE
/// CASCADE), and each store supplies connections, the column types and its two kinds of
/// transaction. A write is "read, compare, write, bump serial" in one transaction; the store's
/// write transaction keeps any other writer, in this process or another, out until it commits.
/// </summary>
internal abstract partial class DbRegistryStore : IRegistryStore, ICertificateStore, IDisposable
{
    /// <summary>Written with PostgreSQL's type names; the SQLite store maps them.</summary>
    protected const string Schema = """
        CREATE TABLE IF NOT EXISTS registry_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            instance TEXT NOT NULL,
            serial BIGINT NOT NULL);
        CREATE TABLE IF NOT EXISTS members (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS subsystems (
            id TEXT PRIMARY KEY,
            member TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE);
        CREATE TABLE IF NOT EXISTS services (
            id TEXT PRIMARY KEY,
            subsystem TEXT NOT NULL REFERENCES subsystems (id) ON DELETE CASCADE,
            personal_data INTEGER NOT NULL,
            description TEXT,
            openapi TEXT);
        CREATE TABLE IF NOT EXISTS gateways (
            member TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
            code TEXT NOT NULL,
            address TEXT NOT NULL,
            tls_cert BYTEA NOT NULL,
            signing_cert BYTEA NOT NULL,
            PRIMARY KEY (member, code));
        CREATE TABLE IF NOT EXISTS trusted_cas (
            thumbprint TEXT PRIMARY KEY,
            certificate BYTEA NOT NULL);
        CREATE TABLE IF NOT EXISTS partners (
            instance TEXT PRIMARY KEY,
            anchor BYTEA NOT NULL,
            config_url TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS topics (
            id TEXT PRIMARY KEY,
            subsystem TEXT NOT NULL REFERENCES subsystems (id) ON DELETE CASCADE,
            personal_data INTEGER NOT NULL,
            description TEXT,
            json_schema TEXT);
        CREATE TABLE IF NOT EXISTS subscriptions (
            topic TEXT NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
            subscriber TEXT NOT NULL,
            local_subscriber TEXT REFERENCES subsystems (id) ON DELETE CASCADE,
            partner TEXT REFERENCES partners (instance) ON DELETE CASCADE,
            PRIMARY KEY (topic, subscriber),
            CHECK ((local_subscriber IS NULL) <> (partner IS NULL)));
        CREATE TABLE IF NOT EXISTS issued_certificates (
            issuer TEXT NOT NULL,
            serial TEXT NOT NULL,
            kind TEXT NOT NULL,
            subject TEXT NOT NULL,
            member TEXT,
            not_before BIGINT NOT NULL,
            not_after BIGINT NOT NULL,
            certificate BYTEA NOT NULL,
            PRIMARY KEY (issuer, serial));
        CREATE TABLE IF NOT EXISTS certificate_revocations (
            issuer TEXT NOT NULL,
            serial TEXT NOT NULL,
            revoked_at BIGINT NOT NULL,
            reason INTEGER NOT NULL,
            PRIMARY KEY (issuer, serial),
            FOREIGN KEY (issuer, serial) REFERENCES issued_certificates (issuer, serial));
        CREATE TABLE IF NOT EXISTS crl_numbers (
            issuer TEXT PRIMARY KEY,
            number BIGINT NOT NULL);
        """;

    private readonly SemaphoreSlim _writeLock = new(1, 1);

    protected abstract string SchemaSql { get; }

    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Begins a transaction that no other write transaction on the same data can run beside, from
    /// before its first read until its commit.
    /// </summary>
    protected abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Begins a transaction whose reads all see one committed state.</summary>
    protected abstract Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Runs before the schema, on the first connection (SQLite's journal mode).</summary>
    protected virtual Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs first in the schema's transaction, so two registries starting at once on one database create it once.</summary>
    protected virtual Task LockSchemaAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The refusal for a store made for another instance: which database, and how to point at the right one.</summary>
    protected abstract string WrongInstance(string? stored, string instance);

    public async Task InitializeAsync(string instance, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await PrepareAsync(connection, cancellationToken);

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockSchemaAsync(connection, transaction, cancellationToken);
        await ExecuteAsync(connection, transaction, SchemaSql, cancellationToken);
        await ExecuteAsync(connection, transaction, "INSERT INTO registry_state (id, instance, serial) VALUES (1, @instance, 0) ON CONFLICT (id) DO NOTHING;",
            cancellationToken, ("instance", instance));

        var stored = (string?)await ScalarAsync(connection, transaction, "SELECT instance FROM registry_state WHERE id = 1;", cancellationToken);
        if (stored != instance)
        {
            throw new InvalidOperationException(WrongInstance(stored, instance));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<long> GetSerialAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return (long)(await ScalarAsync(connection, null, "SELECT serial FROM registry_state WHERE id = 1;", cancellationToken))!;
    }

    public async Task<RegistrySnapshot> ReadSnapshotAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginSnapshotAsync(connection, cancellationToken);
        var serial = 0L;
        await ReadAsync(connection, transaction, "SELECT serial FROM registry_state WHERE id = 1;", r => serial = r.GetInt64(0), cancellationToken);

        var members = new List<MemberRecord>();
        await ReadAsync(connection, transaction, "SELECT id, name FROM members ORDER BY id;",
            r => members.Add(new MemberRecord(MemberId.Parse(r.GetString(0)), r.GetString(1))), cancellationToken);

        var subsystems = new List<SubsystemId>();
        await ReadAsync(connection, transaction, "SELECT id FROM subsystems ORDER BY id;",
            r => subsystems.Add(SubsystemId.Parse(r.GetString(0))), cancellationToken);

        var services = new List<ServiceRecord>();
        await ReadAsync(connection, transaction, "SELECT id, personal_data, description, openapi FROM services ORDER BY id;",
            r => services.Add(new ServiceRecord(ServiceId.Parse(r.GetString(0)), r.GetInt32(1) != 0, NullableString(r, 2), NullableString(r, 3))),
            cancellationToken);

        var gateways = new List<GatewayRecord>();
        await ReadAsync(connection, transaction, "SELECT member, code, address, tls_cert, signing_cert FROM gateways ORDER BY member, code;",
            r => gateways.Add(new GatewayRecord(MemberId.Parse(r.GetString(0)), r.GetString(1), r.GetString(2), Bytes(r, 3), Bytes(r, 4))),
            cancellationToken);

        var cas = new List<byte[]>();
        await ReadAsync(connection, transaction, "SELECT certificate FROM trusted_cas ORDER BY thumbprint;", r => cas.Add(Bytes(r, 0)), cancellationToken);

        var partners = new List<PartnerRecord>();
        await ReadAsync(connection, transaction, "SELECT instance, anchor, config_url FROM partners ORDER BY instance;",
            r => partners.Add(new PartnerRecord(r.GetString(0), Bytes(r, 1), r.GetString(2))), cancellationToken);

        var topics = new List<TopicRecord>();
        await ReadAsync(connection, transaction, "SELECT id, personal_data, description, json_schema FROM topics ORDER BY id;",
            r => topics.Add(new TopicRecord(ServiceId.Parse(r.GetString(0)), r.GetInt32(1) != 0, NullableString(r, 2), NullableString(r, 3))),
            cancellationToken);

        var subscriptions = new List<SubscriptionRecord>();
        await ReadAsync(connection, transaction, "SELECT topic, subscriber FROM subscriptions ORDER BY topic, subscriber;",
            r => subscriptions.Add(new SubscriptionRecord(ServiceId.Parse(r.GetString(0)), SubsystemId.Parse(r.GetString(1)))), cancellationToken);

        await transaction.CommitAsync(cancellationToken);
        return new RegistrySnapshot(serial, members, subsystems, services, gateways, cas, partners, topics, subscriptions);
    }

    public Task<StoreResult> PutMemberAsync(MemberRecord member, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) =>
        {
            var id = member.Id.ToString();
            var existing = await ScalarAsync(c, t, "SELECT name FROM members WHERE id = @id;", ct, ("id", id));
            if (existing is string name && name == member.Name)
            {
                return StoreOutcome.Unchanged;
            }

            await ExecuteAsync(c, t, "INSERT INTO members (id, name) VALUES (@id, @name) ON CONFLICT (id) DO UPDATE SET name = excluded.name;",
                ct, ("id", id), ("name", member.Name));
            return existing is null ? StoreOutcome.Created : StoreOutcome.Updated;
        }, cancellationToken);

    public Task<StoreResult> DeleteMemberAsync(MemberId id, CancellationToken cancellationToken) =>
        DeleteAsync("DELETE FROM members WHERE id = @id;", cancellationToken, ("id", id.ToString()));

    public Task<StoreResult> PutSubsystemAsync(SubsystemId id, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) =>
        {
            if (await ScalarAsync(c, t, "SELECT 1 FROM members WHERE id = @id;", ct, ("id", id.Member.ToString())) is null)
            {
                return StoreOutcome.ParentNotFound;
            }

            var inserted = await ExecuteAsync(c, t, "INSERT INTO subsystems (id, member) VALUES (@id, @member) ON CONFLICT (id) DO NOTHING;",
                ct, ("id", id.ToString()), ("member", id.Member.ToString()));
            return inserted == 0 ? StoreOutcome.Unchanged : StoreOutcome.Created;
        }, cancellationToken);

    public Task<StoreResult> DeleteSubsystemAsync(SubsystemId id, CancellationToken cancellationToken) =>
        DeleteAsync("DELETE FROM subsystems WHERE id = @id;", cancellationToken, ("id", id.ToString()));

    public Task<StoreResult> PutServiceAsync(ServiceRecord service, CancellationToken cancellationToken) =>
        PutCatalogueEntryAsync(Catalogue.Services, service.Id, service.PersonalData, service.Description, service.OpenApi, cancellationToken);

    public Task<StoreResult> DeleteServiceAsync(ServiceId id, CancellationToken cancellationToken) =>
        DeleteAsync("DELETE FROM services WHERE id = @id;", cancellationToken, ("id", id.ToString()));

    public Task<StoreResult> PutGatewayAsync(GatewayRecord gateway, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) =>
        {
            var member = gateway.Member.ToString();
            if (await ScalarAsync(c, t, "SELECT 1 FROM members WHERE id = @id;", ct, ("id", member)) is null)
            {
                return StoreOutcome.ParentNotFound;
            }

            GatewayRecord? existing = null;
            await ReadAsync(c, t, "SELECT address, tls_cert, signing_cert FROM gateways WHERE member = @member AND code = @code;",
                r => existing = gateway with { Address = r.GetString(0), TlsCertificate = Bytes(r, 1), SigningCertificate = Bytes(r, 2) }, ct,
                ("member", member), ("code", gateway.Code));
            if (existing is not null && existing.Address == gateway.Address
                && existing.TlsCertificate.AsSpan().SequenceEqual(gateway.TlsCertificate)
                && existing.SigningCertificate.AsSpan().SequenceEqual(gateway.SigningCertificate))
            {
                return StoreOutcome.Unchanged;
            }

            await ExecuteAsync(c, t, """
                INSERT INTO gateways (member, code, address, tls_cert, signing_cert)
                VALUES (@member, @code, @address, @tls, @signing)
                ON CONFLICT (member, code) DO UPDATE SET address = excluded.address, tls_cert = excluded.tls_cert, signing_cert = excluded.signing_cert;
                """,
                ct, ("member", member), ("code", gateway.Code), ("address", gateway.Address), ("tls", gateway.TlsCertificate),
                ("signing", gateway.SigningCertificate));
            return existing is null ? StoreOutcome.Created : StoreOutcome.Updated;
        }, cancellationToken);

    public Task<StoreResult> DeleteGatewayAsync(MemberId member, string code, CancellationToken cancellationToken) =>
        DeleteAsync("DELETE FROM gateways WHERE member = @member AND code = @code;", cancellationToken, ("member", member.ToString()), ("code", code));

    public Task<StoreResult> EnsureTrustedCaAsync(byte[] certificate, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) =>
        {
            var inserted = await ExecuteAsync(c, t, "INSERT INTO trusted_cas (thumbprint, certificate) VALUES (@thumbprint, @certificate) ON CONFLICT (thumbprint) DO NOTHING;",
                ct, ("thumbprint", Convert.ToHexStringLower(SHA256.HashData(certificate))), ("certificate", certificate));
            return inserted == 0 ? StoreOutcome.Unchanged : StoreOutcome.Created;
        }, cancellationToken);

    public Task<StoreResult> PutPartnerAsync(PartnerRecord partner, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) =>
        {
            PartnerRecord? existing = null;
            await ReadAsync(c, t, "SELECT anchor, config_url FROM partners WHERE instance = @instance;",
                r => existing = partner with { Anchor = Bytes(r, 0), ConfigUrl = r.GetString(1) }, ct, ("instance", partner.Instance));
            if (existing is not null && existing.ConfigUrl == partner.ConfigUrl && existing.Anchor.AsSpan().SequenceEqual(partner.Anchor))
            {
                return StoreOutcome.Unchanged;
            }

            await ExecuteAsync(c, t, """
                INSERT INTO partners (instance, anchor, config_url) VALUES (@instance, @anchor, @url)
                ON CONFLICT (instance) DO UPDATE SET anchor = excluded.anchor, config_url = excluded.config_url;
                """,
                ct, ("instance", partner.Instance), ("anchor", partner.Anchor), ("url", partner.ConfigUrl));
            return existing is null ? StoreOutcome.Created : StoreOutcome.Updated;
        }, cancellationToken);

    public Task<StoreResult> DeletePartnerAsync(string instance, CancellationToken cancellationToken) =>
        DeleteAsync("DELETE FROM partners WHERE instance = @instance;", cancellationToken, ("instance", instance));

    public Task<StoreResult> PutTopicAsync(TopicRecord topic, CancellationToken cancellationToken) =>
        PutCatalogueEntryAsync(Catalogue.Topics, topic.Id, topic.PersonalData, topic.Description, topic.JsonSchema, cancellationToken);

    public Task<StoreResult> DeleteTopicAsync(ServiceId id, CancellationToken cancellationToken) =>
        DeleteAsync("DELETE FROM topics WHERE id = @id;", cancellationToken, ("id", id.ToString()));

    public Task<StoreResult> PutSubscriptionAsync(SubscriptionRecord subscription, string ownInstance, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) =>
        {
            var topic = subscription.Topic.ToString();
            if (await ScalarAsync(c, t, "SELECT 1 FROM topics WHERE id = @id;", ct, ("id", topic)) is null)
            {
                return StoreOutcome.ParentNotFound;
            }

            // A subscriber of this instance is a registered subsystem; one of another instance
            // needs that instance to be a partner, and goes when the partner goes.
            var subscriber = subscription.Subscriber.ToString();
            var local = subscription.Subscriber.Instance == ownInstance;
            var known = local
                ? await ScalarAsync(c, t, "SELECT 1 FROM subsystems WHERE id = @id;", ct, ("id", subscriber))
                : await ScalarAsync(c, t, "SELECT 1 FROM partners WHERE instance = @instance;", ct, ("instance", subscription.Subscriber.Instance));
            if (known is null)
            {
                return StoreOutcome.ReferenceNotFound;
            }

            var inserted = await ExecuteAsync(c, t, """
                INSERT INTO subscriptions (topic, subscriber, local_subscriber, partner) VALUES (@topic, @subscriber, @local, @partner)
                ON CONFLICT (topic, subscriber) DO NOTHING;
                """,
                ct, ("topic", topic), ("subscriber", subscriber), ("local", local ? subscriber : null),
                ("partner", local ? null : subscription.Subscriber.Instance));
            return inserted == 0 ? StoreOutcome.Unchanged : StoreOutcome.Created;
        }, cancellationToken);

    public Task<StoreResult> DeleteSubscriptionAsync(SubscriptionRecord subscription, CancellationToken cancellationToken) =>
        DeleteAsync("DELETE FROM subscriptions WHERE topic = @topic AND subscriber = @subscriber;", cancellationToken,
            ("topic", subscription.Topic.ToString()), ("subscriber", subscription.Subscriber.ToString()));

    public void Dispose()
    {
        _writeLock.Dispose();
        DisposeCore();
    }

    /// <summary>Releases the store's connections (the pool or data source).</summary>
    protected abstract void DisposeCore();

    /// <summary>
    /// Puts a service or a topic of a registered subsystem: the two share one identifier space (an
    /// id names one of them at most) and one shape (personal-data flag, description, a JSON text).
    /// </summary>
    private Task<StoreResult> PutCatalogueEntryAsync(Catalogue kind, ServiceId id, bool personalData, string? description, string? text, CancellationToken cancellationToken)
    {
        var (table, other, textColumn) = kind == Catalogue.Services ? ("services", "topics", "openapi") : ("topics", "services", "json_schema");
        return WriteAsync(async (c, t, ct) =>
        {
            if (await ScalarAsync(c, t, "SELECT 1 FROM subsystems WHERE id = @id;", ct, ("id", id.Subsystem.ToString())) is null)
            {
                return StoreOutcome.ParentNotFound;
            }

            if (await ScalarAsync(c, t, $"SELECT 1 FROM {other} WHERE id = @id;", ct, ("id", id.ToString())) is not null)
            {
                return StoreOutcome.IdentifierTaken;
            }

            (bool PersonalData, string? Description, string? Text)? existing = null;
            await ReadAsync(c, t, $"SELECT personal_data, description, {textColumn} FROM {table} WHERE id = @id;",
                r => existing = (r.GetInt32(0) != 0, NullableString(r, 1), NullableString(r, 2)), ct, ("id", id.ToString()));
            if (existing == (personalData, description, text))
            {
                return StoreOutcome.Unchanged;
            }

            await ExecuteAsync(c, t, $"""
                INSERT INTO {table} (id, subsystem, personal_data, description, {textColumn})
                VALUES (@id, @subsystem, @personal, @description, @text)
                ON CONFLICT (id) DO UPDATE SET personal_data = excluded.personal_data, description = excluded.description, {textColumn} = excluded.{textColumn};
                """,
                ct, ("id", id.ToString()), ("subsystem", id.Subsystem.ToString()), ("personal", personalData ? 1 : 0), ("description", description), ("text", text));
            return existing is null ? StoreOutcome.Created : StoreOutcome.Updated;
        }, cancellationToken);
    }

    private Task<StoreResult> DeleteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        WriteAsync(async (c, t, ct) => await ExecuteAsync(c, t, sql, ct, parameters) == 0 ? StoreOutcome.NotFound : StoreOutcome.Deleted, cancellationToken);

    private async Task<StoreResult> WriteAsync(Func<DbConnection, DbTransaction, CancellationToken, Task<StoreOutcome>> work, CancellationToken cancellationToken)
    {
        // The in-process lock spares the database queued writers, each holding a connection; the
        // write transaction is what keeps writers of other processes out.
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = await BeginWriteAsync(connection, cancellationToken);
            var outcome = await work(connection, transaction, cancellationToken);
            var serial = outcome is StoreOutcome.Created or StoreOutcome.Updated or StoreOutcome.Deleted
                ? (long)(await ScalarAsync(connection, transaction, "UPDATE registry_state SET serial = serial + 1 WHERE id = 1 RETURNING serial;", cancellationToken))!
                : (long)(await ScalarAsync(connection, transaction, "SELECT serial FROM registry_state WHERE id = 1;", cancellationToken))!;
            await transaction.CommitAsync(cancellationToken);
            return new StoreResult(outcome, serial);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    protected static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;

        // Every caller passes a constant SQL text; values travel only as parameters.
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;

            command.Parameters.Add(parameter);
        }

        return command;
    }

    protected static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    protected static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task ReadAsync(DbConnection connection, DbTransaction? transaction, string sql, Action<DbDataReader> row, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            row(reader);
        }
    }

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static byte[] Bytes(DbDataReader reader, int ordinal) => reader.GetFieldValue<byte[]>(ordinal);
}

/// <summary>The two kinds of catalogue entry a subsystem offers.</summary>
internal enum Catalogue
{
    Services,
    Topics,
}

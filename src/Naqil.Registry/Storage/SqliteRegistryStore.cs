using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Naqil.Identifiers;

namespace Naqil.Registry.Storage;

/// <summary>
/// The embedded store: one SQLite file in WAL mode, so readers (config polls, admin GETs) never
/// wait for a writer. Writes are serialised in-process as well as by <c>BEGIN IMMEDIATE</c>, which
/// keeps "read, compare, write, bump serial" free of SQLITE_BUSY upgrades.
/// </summary>
internal sealed class SqliteRegistryStore(string databasePath) : IRegistryStore, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS registry_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            instance TEXT NOT NULL,
            serial INTEGER NOT NULL);
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
            tls_cert BLOB NOT NULL,
            signing_cert BLOB NOT NULL,
            PRIMARY KEY (member, code));
        CREATE TABLE IF NOT EXISTS trusted_cas (
            thumbprint TEXT PRIMARY KEY,
            certificate BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS partners (
            instance TEXT PRIMARY KEY,
            anchor BLOB NOT NULL,
            config_url TEXT NOT NULL);
        """;

    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = databasePath,
        Mode = SqliteOpenMode.ReadWriteCreate,
        ForeignKeys = true,
        Pooling = true,
    }.ToString();

    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public async Task InitializeAsync(string instance, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using (var wal = Command(connection, null, "PRAGMA journal_mode = WAL;"))
        {
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var transaction = connection.BeginTransaction();
        await using (var schema = Command(connection, transaction, Schema))
        {
            await schema.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var state = Command(connection, transaction,
            "INSERT INTO registry_state (id, instance, serial) VALUES (1, $instance, 0) ON CONFLICT (id) DO NOTHING;",
            ("$instance", instance)))
        {
            await state.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var read = Command(connection, transaction, "SELECT instance FROM registry_state WHERE id = 1;"))
        {
            var stored = (string?)await read.ExecuteScalarAsync(cancellationToken);
            if (stored != instance)
            {
                throw new InvalidOperationException(
                    $"The registry database '{databasePath}' belongs to instance {stored}, not {instance}; point DataDirectory at {instance}'s own directory.");
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<long> GetSerialAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT serial FROM registry_state WHERE id = 1;");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<RegistrySnapshot> ReadSnapshotAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);

        // A deferred transaction is one WAL read snapshot: the serial and the entries agree.
        await using var transaction = connection.BeginTransaction(deferred: true);
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
            r => services.Add(new ServiceRecord(ServiceId.Parse(r.GetString(0)), r.GetInt64(1) != 0, NullableString(r, 2), NullableString(r, 3))),
            cancellationToken);

        var gateways = new List<GatewayRecord>();
        await ReadAsync(connection, transaction, "SELECT member, code, address, tls_cert, signing_cert FROM gateways ORDER BY member, code;",
            r => gateways.Add(new GatewayRecord(MemberId.Parse(r.GetString(0)), r.GetString(1), r.GetString(2), (byte[])r[3], (byte[])r[4])),
            cancellationToken);

        var cas = new List<byte[]>();
        await ReadAsync(connection, transaction, "SELECT certificate FROM trusted_cas ORDER BY thumbprint;", r => cas.Add((byte[])r[0]), cancellationToken);

        var partners = new List<PartnerRecord>();
        await ReadAsync(connection, transaction, "SELECT instance, anchor, config_url FROM partners ORDER BY instance;",
            r => partners.Add(new PartnerRecord(r.GetString(0), (byte[])r[1], r.GetString(2))), cancellationToken);

        return new RegistrySnapshot(serial, members, subsystems, services, gateways, cas, partners);
    }

    public Task<StoreResult> PutMemberAsync(MemberRecord member, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) =>
        {
            var id = member.Id.ToString();
            var existing = await ScalarAsync(c, t, "SELECT name FROM members WHERE id = $id;", ct, ("$id", id));
            if (existing is string name && name == member.Name)
            {
                return StoreOutcome.Unchanged;
            }

            await ExecuteAsync(c, t, "INSERT INTO members (id, name) VALUES ($id, $name) ON CONFLICT (id) DO UPDATE SET name = excluded.name;",
                ct, ("$id", id), ("$name", member.Name));
            return existing is null ? StoreOutcome.Created : StoreOutcome.Updated;
        }, cancellationToken);

    public Task<StoreResult> DeleteMemberAsync(MemberId id, CancellationToken cancellationToken) =>
        DeleteAsync("DELETE FROM members WHERE id = $id;", cancellationToken, ("$id", id.ToString()));

    public Task<StoreResult> PutSubsystemAsync(SubsystemId id, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) =>
        {
            if (await ScalarAsync(c, t, "SELECT 1 FROM members WHERE id = $id;", ct, ("$id", id.Member.ToString())) is null)
            {
                return StoreOutcome.ParentNotFound;
            }

            var inserted = await ExecuteAsync(c, t, "INSERT INTO subsystems (id, member) VALUES ($id, $member) ON CONFLICT (id) DO NOTHING;",
                ct, ("$id", id.ToString()), ("$member", id.Member.ToString()));
            return inserted == 0 ? StoreOutcome.Unchanged : StoreOutcome.Created;
        }, cancellationToken);

    public Task<StoreResult> DeleteSubsystemAsync(SubsystemId id, CancellationToken cancellationToken) =>
        DeleteAsync("DELETE FROM subsystems WHERE id = $id;", cancellationToken, ("$id", id.ToString()));

    public Task<StoreResult> PutServiceAsync(ServiceRecord service, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) =>
        {
            if (await ScalarAsync(c, t, "SELECT 1 FROM subsystems WHERE id = $id;", ct, ("$id", service.Id.Subsystem.ToString())) is null)
            {
                return StoreOutcome.ParentNotFound;
            }

            ServiceRecord? existing = null;
            await ReadAsync(c, t, "SELECT personal_data, description, openapi FROM services WHERE id = $id;",
                r => existing = new ServiceRecord(service.Id, r.GetInt64(0) != 0, NullableString(r, 1), NullableString(r, 2)), ct,
                ("$id", service.Id.ToString()));
            if (existing == service)
            {
                return StoreOutcome.Unchanged;
            }

            await ExecuteAsync(c, t, """
                INSERT INTO services (id, subsystem, personal_data, description, openapi)
                VALUES ($id, $subsystem, $personal, $description, $openapi)
                ON CONFLICT (id) DO UPDATE SET personal_data = excluded.personal_data, description = excluded.description, openapi = excluded.openapi;
                """,
                ct, ("$id", service.Id.ToString()), ("$subsystem", service.Id.Subsystem.ToString()), ("$personal", service.PersonalData ? 1 : 0),
                ("$description", service.Description), ("$openapi", service.OpenApi));
            return existing is null ? StoreOutcome.Created : StoreOutcome.Updated;
        }, cancellationToken);

    public Task<StoreResult> DeleteServiceAsync(ServiceId id, CancellationToken cancellationToken) =>
        DeleteAsync("DELETE FROM services WHERE id = $id;", cancellationToken, ("$id", id.ToString()));

    public Task<StoreResult> PutGatewayAsync(GatewayRecord gateway, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) =>
        {
            var member = gateway.Member.ToString();
            if (await ScalarAsync(c, t, "SELECT 1 FROM members WHERE id = $id;", ct, ("$id", member)) is null)
            {
                return StoreOutcome.ParentNotFound;
            }

            GatewayRecord? existing = null;
            await ReadAsync(c, t, "SELECT address, tls_cert, signing_cert FROM gateways WHERE member = $member AND code = $code;",
                r => existing = gateway with { Address = r.GetString(0), TlsCertificate = (byte[])r[1], SigningCertificate = (byte[])r[2] }, ct,
                ("$member", member), ("$code", gateway.Code));
            if (existing is not null && existing.Address == gateway.Address
                && existing.TlsCertificate.AsSpan().SequenceEqual(gateway.TlsCertificate)
                && existing.SigningCertificate.AsSpan().SequenceEqual(gateway.SigningCertificate))
            {
                return StoreOutcome.Unchanged;
            }

            await ExecuteAsync(c, t, """
                INSERT INTO gateways (member, code, address, tls_cert, signing_cert)
                VALUES ($member, $code, $address, $tls, $signing)
                ON CONFLICT (member, code) DO UPDATE SET address = excluded.address, tls_cert = excluded.tls_cert, signing_cert = excluded.signing_cert;
                """,
                ct, ("$member", member), ("$code", gateway.Code), ("$address", gateway.Address), ("$tls", gateway.TlsCertificate),
                ("$signing", gateway.SigningCertificate));
            return existing is null ? StoreOutcome.Created : StoreOutcome.Updated;
        }, cancellationToken);

    public Task<StoreResult> DeleteGatewayAsync(MemberId member, string code, CancellationToken cancellationToken) =>
        DeleteAsync("DELETE FROM gateways WHERE member = $member AND code = $code;", cancellationToken, ("$member", member.ToString()), ("$code", code));

    public Task<StoreResult> EnsureTrustedCaAsync(byte[] certificate, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) =>
        {
            var inserted = await ExecuteAsync(c, t, "INSERT INTO trusted_cas (thumbprint, certificate) VALUES ($thumbprint, $certificate) ON CONFLICT (thumbprint) DO NOTHING;",
                ct, ("$thumbprint", Convert.ToHexStringLower(SHA256.HashData(certificate))), ("$certificate", certificate));
            return inserted == 0 ? StoreOutcome.Unchanged : StoreOutcome.Created;
        }, cancellationToken);

    public Task<StoreResult> PutPartnerAsync(PartnerRecord partner, CancellationToken cancellationToken) =>
        WriteAsync(async (c, t, ct) =>
        {
            PartnerRecord? existing = null;
            await ReadAsync(c, t, "SELECT anchor, config_url FROM partners WHERE instance = $instance;",
                r => existing = partner with { Anchor = (byte[])r[0], ConfigUrl = r.GetString(1) }, ct, ("$instance", partner.Instance));
            if (existing is not null && existing.ConfigUrl == partner.ConfigUrl && existing.Anchor.AsSpan().SequenceEqual(partner.Anchor))
            {
                return StoreOutcome.Unchanged;
            }

            await ExecuteAsync(c, t, """
                INSERT INTO partners (instance, anchor, config_url) VALUES ($instance, $anchor, $url)
                ON CONFLICT (instance) DO UPDATE SET anchor = excluded.anchor, config_url = excluded.config_url;
                """,
                ct, ("$instance", partner.Instance), ("$anchor", partner.Anchor), ("$url", partner.ConfigUrl));
            return existing is null ? StoreOutcome.Created : StoreOutcome.Updated;
        }, cancellationToken);

    public Task<StoreResult> DeletePartnerAsync(string instance, CancellationToken cancellationToken) =>
        DeleteAsync("DELETE FROM partners WHERE instance = $instance;", cancellationToken, ("$instance", instance));

    public void Dispose()
    {
        _writeLock.Dispose();

        // Pooled connections keep the file open until cleared; clear only this database's pool.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private Task<StoreResult> DeleteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        WriteAsync(async (c, t, ct) => await ExecuteAsync(c, t, sql, ct, parameters) == 0 ? StoreOutcome.NotFound : StoreOutcome.Deleted, cancellationToken);

    private async Task<StoreResult> WriteAsync(Func<SqliteConnection, SqliteTransaction, CancellationToken, Task<StoreOutcome>> work, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = connection.BeginTransaction(deferred: false);
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

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;

        // Every caller passes a constant SQL text; values travel only as parameters.
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    private static async Task<int> ExecuteAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task ReadAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, Action<SqliteDataReader> row, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            row(reader);
        }
    }

    private static string? NullableString(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}

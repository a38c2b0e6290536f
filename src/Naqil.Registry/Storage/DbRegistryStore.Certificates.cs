using System.Data.Common;
using System.Security.Cryptography.X509Certificates;

namespace Naqil.Registry.Storage;

/// <summary>
/// The PKI's statements (<see cref="ICertificateStore"/>): issued certificates, revocations and CRL
/// numbers. Times are Unix seconds, as precise as a certificate's own. Writes take the same write
/// transaction as the catalogue's but never move its serial.
/// </summary>
internal abstract partial class DbRegistryStore
{
    private const string IssuedColumns = """
        c.issuer, c.serial, c.kind, c.subject, c.member, c.not_before, c.not_after, c.certificate, r.revoked_at, r.reason
        FROM issued_certificates c LEFT JOIN certificate_revocations r ON r.issuer = c.issuer AND r.serial = c.serial
        """;

    public async Task<bool> RecordIssuedAsync(IssuedCertificateRecord certificate, CancellationToken cancellationToken) =>
        await WriteUnversionedAsync(async (c, t, ct) => await ExecuteAsync(c, t, """
            INSERT INTO issued_certificates (issuer, serial, kind, subject, member, not_before, not_after, certificate)
            VALUES (@issuer, @serial, @kind, @subject, @member, @not_before, @not_after, @certificate)
            ON CONFLICT (issuer, serial) DO NOTHING;
            """,
            ct, ("issuer", certificate.Issuer), ("serial", certificate.Serial), ("kind", certificate.Kind), ("subject", certificate.Subject),
            ("member", certificate.Member), ("not_before", certificate.NotBefore.ToUnixTimeSeconds()), ("not_after", certificate.NotAfter.ToUnixTimeSeconds()),
            ("certificate", certificate.Certificate)) == 1, cancellationToken);

    public async Task<IssuedCertificateEntry?> FindIssuedAsync(string issuer, string serial, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await FindIssuedAsync(connection, null, issuer, serial, cancellationToken);
    }

    public async Task<IReadOnlyList<IssuedCertificateEntry>> ListIssuedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var entries = new List<IssuedCertificateEntry>();
        await ReadAsync(connection, null, $"SELECT {IssuedColumns} ORDER BY c.issuer, c.not_after, c.serial;", r => entries.Add(ReadIssued(r)), cancellationToken);
        return entries;
    }

    public Task<(StoreOutcome Outcome, IssuedCertificateEntry? Entry)> RevokeAsync(string issuer, string serial, RevocationRecord revocation, CancellationToken cancellationToken) =>
        WriteUnversionedAsync<(StoreOutcome, IssuedCertificateEntry?)>(async (c, t, ct) =>
        {
            var existing = await FindIssuedAsync(c, t, issuer, serial, ct);
            if (existing is null)
            {
                return (StoreOutcome.NotFound, null);
            }

            if (existing.Revocation is not null)
            {
                return (StoreOutcome.Unchanged, existing);
            }

            await ExecuteAsync(c, t, "INSERT INTO certificate_revocations (issuer, serial, revoked_at, reason) VALUES (@issuer, @serial, @at, @reason);",
                ct, ("issuer", issuer), ("serial", serial), ("at", revocation.RevokedAt.ToUnixTimeSeconds()), ("reason", (int)revocation.Reason));
            return (StoreOutcome.Created, existing with { Revocation = revocation with { RevokedAt = Seconds(revocation.RevokedAt.ToUnixTimeSeconds()) } });
        }, cancellationToken);

    public async Task<IReadOnlyList<RevokedCertificate>> ListRevokedAsync(string issuer, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var revoked = new List<RevokedCertificate>();
        await ReadAsync(connection, null, "SELECT serial, revoked_at, reason FROM certificate_revocations WHERE issuer = @issuer ORDER BY serial;",
            r => revoked.Add(new RevokedCertificate(r.GetString(0), new RevocationRecord(Seconds(r.GetInt64(1)), (X509RevocationReason)r.GetInt32(2)))),
            cancellationToken, ("issuer", issuer));
        return revoked;
    }

    public async Task<long> CountRevokedAsync(string issuer, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return Convert.ToInt64(await ScalarAsync(connection, null, "SELECT COUNT(*) FROM certificate_revocations WHERE issuer = @issuer;", cancellationToken, ("issuer", issuer)),
            System.Globalization.CultureInfo.InvariantCulture);
    }

    public Task<long> NextCrlNumberAsync(string issuer, CancellationToken cancellationToken) =>
        WriteUnversionedAsync(async (c, t, ct) => (long)(await ScalarAsync(c, t, """
            INSERT INTO crl_numbers (issuer, number) VALUES (@issuer, 1)
            ON CONFLICT (issuer) DO UPDATE SET number = crl_numbers.number + 1
            RETURNING number;
            """, ct, ("issuer", issuer)))!, cancellationToken);

    private static async Task<IssuedCertificateEntry?> FindIssuedAsync(DbConnection connection, DbTransaction? transaction, string issuer, string serial, CancellationToken cancellationToken)
    {
        IssuedCertificateEntry? entry = null;
        await ReadAsync(connection, transaction, $"SELECT {IssuedColumns} WHERE c.issuer = @issuer AND c.serial = @serial;",
            r => entry = ReadIssued(r), cancellationToken, ("issuer", issuer), ("serial", serial));
        return entry;
    }

    private static IssuedCertificateEntry ReadIssued(DbDataReader r) => new(
        new IssuedCertificateRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), NullableString(r, 4),
            Seconds(r.GetInt64(5)), Seconds(r.GetInt64(6)), Bytes(r, 7)),
        r.IsDBNull(8) ? null : new RevocationRecord(Seconds(r.GetInt64(8)), (X509RevocationReason)r.GetInt32(9)));

    private static DateTimeOffset Seconds(long unixSeconds) => DateTimeOffset.FromUnixTimeSeconds(unixSeconds);

    /// <summary>As the catalogue's writes, in the write transaction, but the serial stays where it is.</summary>
    private async Task<T> WriteUnversionedAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = await BeginWriteAsync(connection, cancellationToken);
            var result = await work(connection, transaction, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }
}

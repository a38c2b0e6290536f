using Microsoft.Extensions.DependencyInjection;
using Naqil.Registry.Certificates.Pki;
using Naqil.Registry.Tests.Certificates.Pki;
using Naqil.Tests.Shared;
using Npgsql;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Ocsp;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Naqil.Registry.Tests.Storage;

/// <summary>A real registry configured with <c>Registry:Storage = postgresql</c>, on the server of <c>NAQIL_TEST_POSTGRES</c>.</summary>
public sealed class PostgresRegistryHostTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private readonly string _database = $"naqil_registry_{Guid.NewGuid():N}";
    private string _connectionString = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _connectionString = await TestPostgres.CreateDatabaseAsync(_database);

    public async ValueTask DisposeAsync()
    {
        await TestPostgres.DropDatabaseAsync(_database);
        _directory.Dispose();
    }

    [Fact]
    public async Task Registry_OnPostgreSql_KeepsItsEntriesInTheDatabase_AcrossARestart()
    {
        var options = new RegistryOptions
        {
            Instance = "SY",
            DataDirectory = _directory.Path,
            AdminToken = RegistryHost.AdminToken,
            Storage = "postgresql",
            ConnectionString = _connectionString,
        };
        long serial;
        await using (var first = await RegistryHost.StartAsync(options))
        {
            await first.PutMemberAsync();
            serial = await first.SerialAsync();
        }

        await using var second = await RegistryHost.StartAsync(options);
        var configuration = await second.ConfigurationAsync();

        Assert.Equal(serial, configuration.Serial);
        Assert.Equal("SY/GOV/CIVREG", configuration.Members.Single().Id);
        Assert.Equal((serial, "Civil registry"), await ReadFromDatabaseAsync());
        Assert.False(File.Exists(Path.Combine(_directory.Path, NaqilRegistryExtensions.DatabaseFile)), "the registry wrote a SQLite database beside its keys");
    }

    [Fact]
    public async Task Revocation_OnPostgreSql_AnsweredAfterARestart_AndTheCrlNumberKeepsGrowing()
    {
        var options = new RegistryOptions
        {
            Instance = "SY",
            DataDirectory = _directory.Path,
            AdminToken = RegistryHost.AdminToken,
            Storage = "postgresql",
            ConnectionString = _connectionString,
        };
        Issued issued;
        long before;
        await using (var first = await RegistryHost.StartAsync(options))
        {
            issued = await first.IssueCertificateAsync("signing");
            await first.RevokedAsync(issued, "superseded");
            before = CrlNumber(await first.CrlAsync("gateway"));
        }

        using (issued)
        await using (var second = await RegistryHost.StartAsync(options))
        {
            var gatewayCa = second.App.Services.GetRequiredService<RegistryPki>().Find("gateway")!.Certificate;
            var answer = await second.PostOcspAsync("gateway", PkiRequests.OcspRequest(gatewayCa, issued.Serial));
            var crl = await second.CrlAsync("gateway");

            Assert.IsType<RevokedStatus>(PkiRequests.SingleOf(answer).Single.GetCertStatus());
            Assert.NotNull(crl.GetRevokedCertificate(new BigInteger(issued.Serial, 16)));
            Assert.True(CrlNumber(crl) > before, "the CRL number went back after a restart");
        }

        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT reason FROM certificate_revocations WHERE issuer = 'gateway'", connection);
        Assert.Equal(4, await command.ExecuteScalarAsync(Ct));
    }

    private static long CrlNumber(Org.BouncyCastle.X509.X509Crl crl) =>
        DerInteger.GetInstance(Asn1Object.FromByteArray(crl.GetExtensionValue(X509Extensions.CrlNumber).GetOctets())).LongValueExact;

    /// <summary>The serial and the one member's name, read past the registry.</summary>
    private async Task<(long Serial, string Name)> ReadFromDatabaseAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT (SELECT serial FROM registry_state), (SELECT name FROM members WHERE id = 'SY/GOV/CIVREG')", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        return (reader.GetInt64(0), reader.GetString(1));
    }
}

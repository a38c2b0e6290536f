using Npgsql;
using Naqil.Tests.Shared;

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

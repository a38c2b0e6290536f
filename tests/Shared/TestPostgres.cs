using Npgsql;

namespace Naqil.Tests.Shared;

/// <summary>
/// The PostgreSQL server of <c>NAQIL_TEST_POSTGRES</c> (started by <c>.ci/postgres.sh</c>): absent,
/// the tests skip locally and fail under CI. Each test gets its own database, so runs and tests
/// never share state. Linked into every test project that stores in PostgreSQL.
/// </summary>
internal static class TestPostgres
{
    public static string ServerConnectionString()
    {
        var connectionString = Environment.GetEnvironmentVariable("NAQIL_TEST_POSTGRES");
        if (string.IsNullOrEmpty(connectionString))
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail("NAQIL_TEST_POSTGRES is not set: under CI the PostgreSQL tests must run (.ci/postgres.sh starts a server).");
            }

            Assert.Skip("NAQIL_TEST_POSTGRES is not set; run `. .ci/postgres.sh` to test against PostgreSQL.");
        }

        return connectionString;
    }

    public static async Task<string> CreateDatabaseAsync(string database)
    {
        var server = ServerConnectionString();
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string database)
    {
        var server = Environment.GetEnvironmentVariable("NAQIL_TEST_POSTGRES");
        if (string.IsNullOrEmpty(server))
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Makes a database refuse every connection (and ends those open), or accept them again.</summary>
    public static async Task SetAcceptingConnectionsAsync(string database, bool accepting)
    {
        await using var connection = new NpgsqlConnection(ServerConnectionString());
        await connection.OpenAsync();
        await using var alter = new NpgsqlCommand($"ALTER DATABASE {database} ALLOW_CONNECTIONS {(accepting ? "true" : "false")}", connection);
        await alter.ExecuteNonQueryAsync();
        if (!accepting)
        {
            await using var terminate = new NpgsqlCommand($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'", connection);
            await terminate.ExecuteNonQueryAsync();
        }
    }
}

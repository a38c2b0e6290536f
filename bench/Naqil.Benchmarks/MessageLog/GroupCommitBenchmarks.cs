using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.MessageLog;
using Naqil.Gateway.Storage;
using Naqil.MessageLog;
using Npgsql;

namespace Naqil.Benchmarks.MessageLog;

/// <summary>
/// Durable appends through the group-commit log: one appender waiting for each append (one
/// transaction per entry, the baseline) against 64 concurrent appenders sharing transactions.
/// Each operation is one durable entry. PostgreSQL runs when <c>NAQIL_TEST_POSTGRES</c> names a server
/// (<c>. .ci/postgres.sh</c>); otherwise its cases only measure a refusal and should be ignored.
/// </summary>
[MemoryDiagnoser]
public class GroupCommitBenchmarks
{
    private const int Appends = 512;

    private readonly LogEntry _entry = new()
    {
        Side = "consumer",
        NaqilId = "0f8fad5b-d9cb-469f-a165-70867728950e",
        Client = "SY/GOV/MOCT/portal",
        Service = "SY/GOV/CIVREG/registry/persons",
        User = "SY-NID:01234567890",
        Purpose = "application-processing",
        Method = "GET",
        Path = "/persons/1",
        Status = 200,
        Outcome = "ok",
        Peer = "SY/GOV/CIVREG/gw1",
        RequestSignatureInput = "naqil=(\"@method\" \"@path\" \"@query\" \"content-digest\" \"naqil-id\");created=1700000000;keyid=\"0123456789abcdef\";alg=\"ecdsa-p256-sha256\";tag=\"naqil-request\"",
        RequestSignature = "naqil=:MEUCIQDx0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghij==:",
        ResponseDigest = "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:",
        Received = DateTimeOffset.UnixEpoch.AddYears(56),
        Completed = DateTimeOffset.UnixEpoch.AddYears(56),
    };

    private string _directory = "";
    private string? _database;
    private MerkleMessageLog _log = null!;

    [Params("sqlite", "postgresql")]
    public string Storage { get; set; } = "sqlite";

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("naqil-bench-").FullName;
        IMessageLogStore store;
        if (Storage == "postgresql")
        {
            var server = Environment.GetEnvironmentVariable("NAQIL_TEST_POSTGRES") ?? "Host=127.0.0.1;Port=1;Username=none";
            _database = $"naqil_bench_{Guid.NewGuid():N}";
            using (var connection = new NpgsqlConnection(server))
            {
                connection.Open();
                using var command = new NpgsqlCommand($"CREATE DATABASE {_database}", connection);
                command.ExecuteNonQuery();
            }

            store = new PostgresMessageLogStore(new NpgsqlConnectionStringBuilder(server) { Database = _database }.ConnectionString);
        }
        else
        {
            store = new SqliteMessageLogStore(Path.Combine(_directory, "messagelog.db"));
        }

        var options = new MessageLogOptions();
        _log = new MerkleMessageLog(store, new BodyVault(options, Path.Combine(_directory, "body.key")), options, TimeProvider.System, NullLogger<MerkleMessageLog>.Instance);
        _log.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _log.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        _log.Dispose();
        if (_database is not null)
        {
            NpgsqlConnection.ClearAllPools();
            using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("NAQIL_TEST_POSTGRES"));
            connection.Open();
            using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", connection);
            command.ExecuteNonQuery();
        }

        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>One appender: every append waits for its own commit (one fsync per entry).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Appends)]
    public async Task OneAppender()
    {
        for (var i = 0; i < Appends; i++)
        {
            if (!await _log.AppendAsync(_entry, default, default, CancellationToken.None))
            {
                throw new InvalidOperationException("append failed");
            }
        }
    }

    /// <summary>64 concurrent appenders, as 64 exchanges in flight: appends share commits.</summary>
    [Benchmark(OperationsPerInvoke = Appends)]
    public async Task SixtyFourAppenders()
    {
        var tasks = new Task[64];
        for (var t = 0; t < tasks.Length; t++)
        {
            tasks[t] = Task.Run(async () =>
            {
                for (var i = 0; i < Appends / 64; i++)
                {
                    if (!await _log.AppendAsync(_entry, default, default, CancellationToken.None))
                    {
                        throw new InvalidOperationException("append failed");
                    }
                }
            });
        }

        await Task.WhenAll(tasks);
    }
}

using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.MessageLog;
using Naqil.Gateway.Tests.TestEnvironment;
using Naqil.MessageLog;

namespace Naqil.Gateway.Tests.MessageLog;

/// <summary>
/// Exported archives verify offline; tampering with the stored log — a byte changed, an entry
/// deleted, two reordered, the log rewritten after a head was published — is found and named.
/// </summary>
public sealed class ArchiveTests : IAsyncLifetime
{
    private const int Exchanges = 6;

    private GatewayTestEnvironment _env = null!;
    private string _directory = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private MerkleMessageLog Log => _env.Consumer.MessageLog;

    private string Database => Path.Combine(_env.Consumer.App.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.DataDirectory, "messagelog.db");

    public async ValueTask InitializeAsync()
    {
        _directory = Directory.CreateTempSubdirectory("naqil-archive-").FullName;
        _env = await GatewayTestEnvironment.StartAsync(withTsa: true);
        for (var i = 0; i < Exchanges; i++)
        {
            (await _env.GetAsync(GatewayTestEnvironment.Persons, $"/persons/{i}")).Dispose();
        }

        _env.Time.Advance(TimeSpan.FromSeconds(1));
        await _env.Consumer.TickLogAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _env.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Export_UntouchedLog_Verifies()
    {
        var archive = await ExportAsync();

        var report = LogArchiveVerifier.Verify(archive);

        Assert.True(report.Ok, string.Join("\n", report.Failures));
        Assert.Equal(Exchanges, report.EntriesChecked);
        Assert.Contains(report.Notes, n => n.StartsWith($"tree head {Exchanges} existed by", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Export_FromTheGatewaysOptions_WritesTheIndexRangeUnderItsName()
    {
        var options = _env.Consumer.App.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        var archive = Path.Combine(_directory, "range.zip");

        var summary = await MessageLogExport.ExportAsync(options, archive, 2, 5, null, null, _env.Time, Ct);

        Assert.Equal((2, 5, Exchanges), (summary.FirstIndex, summary.EndIndex, summary.TreeSize));
        var report = LogArchiveVerifier.Verify(archive);
        Assert.True(report.Ok, string.Join("\n", report.Failures));
        Assert.Equal(3, report.EntriesChecked);
        Assert.Contains($"archive of gateway {options.Member}/{options.Code}: entries [2, 5) of a tree of {Exchanges}", report.Notes);
    }

    [Fact]
    public async Task OpenSsl_VerifiesAnExportedTimestampTokenAndItsData()
    {
        var openssl = FindOpenSsl();
        var archive = await ExportAsync();
        var extracted = Path.Combine(_directory, "extracted");
        await ZipFile.ExtractToDirectoryAsync(archive, extracted, Ct);
        var token = Directory.GetFiles(Path.Combine(extracted, "timestamps"), "*.tst").Single();
        var data = Directory.GetFiles(Path.Combine(extracted, "timestamps"), "*.sth").Single();
        var tsaPem = Path.Combine(extracted, LogArchive.CertificatePath(Naqil.Trust.SignedTrustConfiguration.Thumbprint(_env.Tsa!.Certificate)));
        var changed = Path.Combine(_directory, "changed.sth");
        var bytes = await File.ReadAllBytesAsync(data, Ct);
        bytes[20] ^= 1;
        await File.WriteAllBytesAsync(changed, bytes, Ct);

        var ok = await RunAsync(openssl, "ts", "-verify", "-data", data, "-in", token, "-token_in", "-CAfile", tsaPem);
        var tampered = await RunAsync(openssl, "ts", "-verify", "-data", changed, "-in", token, "-token_in", "-CAfile", tsaPem);

        Assert.True(ok.ExitCode == 0, ok.Output);
        Assert.Contains("Verification: OK", ok.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, tampered.ExitCode);
        Assert.True(SignedTreeHead.TryDecode(await File.ReadAllBytesAsync(data, Ct), out var head));
        Assert.Equal(Exchanges, head.Head.TreeSize);
    }

    [Fact]
    public async Task Tamper_OneByteOfOneStoredEntry_IsNamed()
    {
        var stored = (await Log.Store.ReadEntriesAsync(3, 4, Ct)).Single();
        var altered = stored.Encoding.ToArray();
        altered[^20] ^= 0x01;
        await SqlAsync("UPDATE log_entries SET entry = $v WHERE idx = 3", altered);

        var report = await ExportAndVerifyAsync();

        var failure = Assert.Single(report.Failures);
        Assert.Equal("entry-hash", failure.Check);
        Assert.StartsWith($"entry 3 (Naqil-Id {stored.NaqilId}", failure.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tamper_DeletedEntry_IsNamed()
    {
        await SqlAsync("DELETE FROM log_entries WHERE idx = 2", null);

        var report = await ExportAndVerifyAsync();

        Assert.Contains(report.Failures, f => f is { Check: "leaf-missing", Subject: "entry 2" });
        Assert.Contains(report.Failures, f => f is { Check: "entry-missing", Subject: "entry 2" });
        Assert.Contains(report.Failures, f => f.Check == "head-root" && f.Subject.StartsWith($"tree head {Exchanges}", StringComparison.Ordinal));
        Assert.DoesNotContain(report.Failures, f => f.Subject.StartsWith("entry 1", StringComparison.Ordinal) || f.Subject.StartsWith("entry 3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tamper_TwoEntriesReordered_AreNamed()
    {
        var one = (await Log.Store.ReadEntriesAsync(1, 2, Ct)).Single();
        var four = (await Log.Store.ReadEntriesAsync(4, 5, Ct)).Single();
        await SqlAsync("UPDATE log_entries SET entry = $v, leaf = $leaf, naqil_id = $id WHERE idx = 1", four.Encoding, four.LeafHash, four.NaqilId);
        await SqlAsync("UPDATE log_entries SET entry = $v, leaf = $leaf, naqil_id = $id WHERE idx = 4", one.Encoding, one.LeafHash, one.NaqilId);

        var report = await ExportAndVerifyAsync();

        Assert.Contains(report.Failures, f => f.Check == "entry-index" && f.Subject.StartsWith($"entry 1 (Naqil-Id {four.NaqilId}", StringComparison.Ordinal));
        Assert.Contains(report.Failures, f => f.Check == "entry-index" && f.Subject.StartsWith($"entry 4 (Naqil-Id {one.NaqilId}", StringComparison.Ordinal));
        Assert.Contains(report.Failures, f => f.Check == "head-root");
    }

    [Fact]
    public async Task Rewrite_AfterAHeadWasPublished_FailsConsistency()
    {
        var published = (await Log.Store.LatestTreeHeadAsync(Ct))!.SignedHead;

        // An insider with the database and the signing key rewrites entry 3 and re-signs everything.
        var original = (await Log.Store.ReadEntriesAsync(3, 4, Ct)).Single();
        Assert.True(LogEntryEncoding.TryDecode(original.Encoding, out _, out var entry, out _));
        var forged = LogEntryEncoding.Encode(3, entry with { Path = "/persons/someone-else" });
        await SqlAsync("UPDATE log_entries SET entry = $v, leaf = $leaf WHERE idx = 3", forged, LogEntryEncoding.LeafHash(forged));
        var leaves = (await Log.Store.ReadLeavesAsync(0, Exchanges, Ct)).Select(l => l.LeafHash).ToList();
        var head = new TreeHead(Exchanges, MerkleTree.ComputeRoot(leaves), _env.Time.GetUtcNow());
        using var key = _env.Consumer.Signing.GetECDsaPrivateKey()!;
        await SqlAsync("DELETE FROM log_timestamps", null);
        await SqlAsync("UPDATE log_tree_heads SET root = $v, signature = $leaf", head.RootHash.ToArray(), head.Sign(key));

        var archive = await ExportAsync();
        var alone = LogArchiveVerifier.Verify(archive);
        var withPublished = LogArchiveVerifier.Verify(archive, [published]);

        // Internally consistent, so only the head published before the rewrite can tell.
        Assert.True(alone.Ok, string.Join("\n", alone.Failures));
        var failure = Assert.Single(withPublished.Failures);
        Assert.Equal("published-consistency", failure.Check);
        Assert.StartsWith($"published tree head {Exchanges} ", failure.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rewrite_KeepingTheOldHeads_FailsTheirRootsAndConsistency()
    {
        (await _env.GetAsync(GatewayTestEnvironment.Persons, "/persons/x")).Dispose();
        _env.Time.Advance(TimeSpan.FromSeconds(1));
        await _env.Consumer.TickLogAsync();
        var original = (await Log.Store.ReadEntriesAsync(3, 4, Ct)).Single();
        Assert.True(LogEntryEncoding.TryDecode(original.Encoding, out _, out var entry, out _));
        var forged = LogEntryEncoding.Encode(3, entry with { Outcome = "access-denied" });
        await SqlAsync("UPDATE log_entries SET entry = $v, leaf = $leaf WHERE idx = 3", forged, LogEntryEncoding.LeafHash(forged));
        var leaves = (await Log.Store.ReadLeavesAsync(0, Exchanges + 1, Ct)).Select(l => l.LeafHash).ToList();
        var head = new TreeHead(Exchanges + 1, MerkleTree.ComputeRoot(leaves), _env.Time.GetUtcNow());
        using var key = _env.Consumer.Signing.GetECDsaPrivateKey()!;
        await SqlAsync($"UPDATE log_tree_heads SET root = $v, signature = $leaf WHERE size = {Exchanges + 1}", head.RootHash.ToArray(), head.Sign(key));
        await SqlAsync($"DELETE FROM log_timestamps WHERE size = {Exchanges + 1}", null);

        var archive = Path.Combine(_directory, "log.zip");
        await using (var file = File.Create(archive))
        {
            await new LogArchiveExporter(Log.Store).ExportAsync(file, "SY/GOV/MOCT/gw1", 0, Exchanges + 1, _env.Time.GetUtcNow(), Ct);
        }

        var report = LogArchiveVerifier.Verify(archive);

        Assert.Contains(report.Failures, f => f.Check == "head-root" && f.Subject.StartsWith($"tree head {Exchanges} ", StringComparison.Ordinal));
        Assert.Contains(report.Failures, f => f.Check == "head-consistency" && f.Subject == $"tree heads {Exchanges} → {Exchanges + 1}");
    }

    private async Task<string> ExportAsync()
    {
        var path = Path.Combine(_directory, $"log-{Guid.NewGuid():N}.zip");
        await using var file = File.Create(path);
        var summary = await new LogArchiveExporter(Log.Store).ExportAsync(file, "SY/GOV/MOCT/gw1", 0, long.MaxValue, _env.Time.GetUtcNow(), Ct);
        Assert.Equal(Exchanges, summary.EndIndex);
        return path;
    }

    private async Task<LogVerificationReport> ExportAndVerifyAsync()
    {
        var path = Path.Combine(_directory, $"log-{Guid.NewGuid():N}.zip");
        await using (var file = File.Create(path))
        {
            await new LogArchiveExporter(Log.Store).ExportAsync(file, "SY/GOV/MOCT/gw1", 0, Exchanges, _env.Time.GetUtcNow(), Ct);
        }

        var report = LogArchiveVerifier.Verify(path);
        Assert.False(report.Ok);
        return report;
    }

    private async Task SqlAsync(string sql, byte[]? value, byte[]? leaf = null, string? naqilId = null)
    {
        await using var connection = new SqliteConnection($"Data Source={Database};Pooling=false");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (value is not null)
        {
            command.Parameters.AddWithValue("$v", value);
        }

        if (leaf is not null)
        {
            command.Parameters.AddWithValue("$leaf", leaf);
        }

        if (naqilId is not null)
        {
            command.Parameters.AddWithValue("$id", naqilId);
        }

        await command.ExecuteNonQueryAsync(Ct);
    }

    private static string FindOpenSsl()
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, OperatingSystem.IsWindows() ? "openssl.exe" : "openssl"))
            .FirstOrDefault(File.Exists);
        if (found is null)
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail("openssl is required under CI to check time-stamp tokens independently.");
            }

            Assert.Skip("openssl is not installed.");
        }

        return found;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(fileName, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return (process.ExitCode, await stdout + await stderr);
    }
}

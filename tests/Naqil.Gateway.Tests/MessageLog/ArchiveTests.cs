using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
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
    public async Task OpenSsl_TheDocumentedCommand_VerifiesEveryTokenOfTheArchive()
    {
        var openssl = FindOpenSsl();
        var command = DocumentedOpenSslCommand();
        for (var round = 1; round <= 2; round++)
        {
            (await _env.GetAsync(GatewayTestEnvironment.Persons, $"/persons/more-{round}")).Dispose();
            _env.Time.Advance(TimeSpan.FromSeconds(61));
            await _env.Consumer.TickLogAsync();
        }

        var archive = Path.Combine(_directory, "all.zip");
        await using (var file = File.Create(archive))
        {
            await new LogArchiveExporter(Log.Store).ExportAsync(file, "SY/GOV/MOCT/gw1", 0, long.MaxValue, _env.Time.GetUtcNow(), Ct);
        }

        var extracted = Path.Combine(_directory, "extracted");
        await ZipFile.ExtractToDirectoryAsync(archive, extracted, Ct);
        var tokens = ManifestTokens(extracted);

        // The TSA is issued by a CA, as the sandbox's is; three heads, three tokens.
        Assert.NotEqual(_env.Tsa!.Certificate.SubjectName.Name, _env.Tsa.Certificate.IssuerName.Name);
        Assert.Equal([Exchanges, Exchanges + 1, Exchanges + 2], tokens.Select(t => t.TreeSize));
        foreach (var (treeSize, ordinal, tsa) in tokens)
        {
            var arguments = Fill(command, treeSize, ordinal, tsa);
            var verified = await RunAsync(openssl, extracted, arguments);
            Assert.True(verified.ExitCode == 0, $"{string.Join(' ', arguments)}\n{verified.Output}");
            Assert.Contains("Verification: OK", verified.Output, StringComparison.Ordinal);
        }

        // The same command on altered data fails: it checks the imprint, not only the chain.
        var data = Path.Combine(extracted, LogArchive.TimestampedDataPath(Exchanges));
        var bytes = await File.ReadAllBytesAsync(data, Ct);
        bytes[20] ^= 1;
        await File.WriteAllBytesAsync(data, bytes, Ct);
        var tampered = await RunAsync(openssl, extracted, Fill(command, Exchanges, 0, tokens[0].Tsa));
        Assert.NotEqual(0, tampered.ExitCode);
    }

    [Fact]
    public async Task Export_TsaIssuedByACa_CarriesTheChainAndTheVerifierNamesItsRoot()
    {
        var archive = await ExportAsync();
        var tsa = Naqil.Trust.SignedTrustConfiguration.Thumbprint(_env.Tsa!.Certificate);
        var root = Naqil.Trust.SignedTrustConfiguration.Thumbprint(_env.Tsa.Ca);

        var report = LogArchiveVerifier.Verify(archive);
        var withoutChain = LogArchiveVerifier.Verify(await WithoutAsync(archive, LogArchive.CertificateChainPath(tsa)));

        Assert.True(report.Ok, string.Join("\n", report.Failures));
        Assert.Contains($"the TSA certificate {tsa} chains to the root with SHA-256 thumbprint {root}: compare it with the trust configuration", report.Notes);
        var failure = Assert.Single(withoutChain.Failures);
        Assert.Equal(("timestamp-chain", $"TSA certificate {tsa}"), (failure.Check, failure.Subject));
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

    /// <summary>An archive like <paramref name="archive"/> without the entry <paramref name="name"/>.</summary>
    private async Task<string> WithoutAsync(string archive, string name)
    {
        var copy = Path.Combine(_directory, $"without-{Guid.NewGuid():N}.zip");
        File.Copy(archive, copy);
        await using var zip = await ZipFile.OpenAsync(copy, ZipArchiveMode.Update, Ct);
        Assert.NotNull(zip.GetEntry(name));
        zip.GetEntry(name)!.Delete();
        return copy;
    }

    /// <summary>The manifest's tokens: the size each stamps, its ordinal for that size, its TSA.</summary>
    private static List<(long TreeSize, int Ordinal, string Tsa)> ManifestTokens(string extracted)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(extracted, LogArchive.Manifest)));
        var ordinals = new Dictionary<long, int>();
        var tokens = new List<(long, int, string)>();
        foreach (var stamp in manifest.RootElement.GetProperty("timestamps").EnumerateArray())
        {
            var treeSize = stamp.GetProperty("treeSize").GetInt64();
            var ordinal = ordinals.GetValueOrDefault(treeSize);
            ordinals[treeSize] = ordinal + 1;
            Assert.Equal(LogArchive.TokenPath(treeSize, ordinal), stamp.GetProperty("token").GetString());
            tokens.Add((treeSize, ordinal, stamp.GetProperty("tsa").GetString()!));
        }

        return tokens;
    }

    /// <summary>
    /// The <c>openssl ts -verify</c> line of docs/message-log.md as printed, with its placeholders:
    /// the test runs the auditor's recipe itself, so the doc cannot drift from the archive.
    /// </summary>
    private static string[] DocumentedOpenSslCommand()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var doc = Path.Combine(directory.FullName, "docs", "message-log.md");
            if (File.Exists(doc))
            {
                var line = File.ReadLines(doc).Single(l => l.StartsWith("openssl ts -verify", StringComparison.Ordinal) && l.Contains("<size>", StringComparison.Ordinal));
                return line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            }
        }

        throw new FileNotFoundException("docs/message-log.md not found above the test's folder");
    }

    /// <summary>The documented command's arguments (after <c>openssl</c>) for one token, placeholders filled as the doc says.</summary>
    private static string[] Fill(string[] command, long treeSize, int ordinal, string tsa) =>
        [.. command.Skip(1).Select(a => a.Replace("<size>", treeSize.ToString("D20", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("<n>", ordinal.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("<tsa>", tsa, StringComparison.Ordinal))];

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

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, string workingDirectory, string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(fileName, arguments) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return (process.ExitCode, await stdout + await stderr);
    }
}

using Naqil.Cli.MessageLog;
using Naqil.MessageLog;

namespace Naqil.Cli.Tests.MessageLog;

/// <summary><c>naqil log export | verify</c>: what they print and the exit codes they return (0 verified, 1 failed, 2 could not run).</summary>
public sealed class LogCommandsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("naqil-cli-log-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Verify_IntactArchive_PrintsWhatHoldsAndExitsZero()
    {
        using var archive = TestArchive.Write(Path.Combine(_directory, "log.zip"), 5);
        var output = new StringWriter();

        var exitCode = LogCommands.Verify(archive.Path, output);

        Assert.True(exitCode == 0, output.ToString());
        var lines = Lines(output);
        Assert.Equal($"archive of gateway {TestArchive.Gateway}: entries [0, 5) of a tree of 5", lines[0]);
        Assert.StartsWith("tree heads signed by the certificate with SHA-256 thumbprint ", lines[1], StringComparison.Ordinal);
        Assert.Equal("OK: 5 entries verified in a log of 5", lines[^1]);
    }

    [Fact]
    public void Verify_AlteredEntry_PrintsTheFailureFirstAndExitsOne()
    {
        using var archive = TestArchive.Write(Path.Combine(_directory, "log.zip"), 5, alterEntry: 3);
        var output = new StringWriter();

        var exitCode = LogCommands.Verify(archive.Path, output);

        Assert.Equal(1, exitCode);
        var lines = Lines(output);
        Assert.StartsWith("FAIL entry-", lines[0], StringComparison.Ordinal);
        Assert.Contains(": entry 3", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.StartsWith("FAIL", StringComparison.Ordinal) && (l.Contains(": entry 2", StringComparison.Ordinal) || l.Contains(": entry 4", StringComparison.Ordinal)));
        Assert.Equal($"FAILED: {lines.Count(l => l.StartsWith("FAIL ", StringComparison.Ordinal))} check(s) failed", lines[^1]);
    }

    [Fact]
    public void Verify_PublishedHeadTheArchiveDoesNotExtend_ExitsOneNamingIt()
    {
        using var archive = TestArchive.Write(Path.Combine(_directory, "log.zip"), 5);
        var published = Path.Combine(_directory, "published.sth");
        File.WriteAllBytes(published, archive.Sign(3, new byte[MerkleTree.HashSize]).Encode());
        var output = new StringWriter();

        var exitCode = LogCommands.Verify(archive.Path, output, [published]);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("FAIL published-consistency: published tree head 3 ", Lines(output)[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_PublishedFileNotATreeHead_ExitsTwoNamingTheFile()
    {
        using var archive = TestArchive.Write(Path.Combine(_directory, "log.zip"), 2);
        var published = Path.Combine(_directory, "notes.txt");
        File.WriteAllText(published, "not a tree head");
        var output = new StringWriter();

        var exitCode = LogCommands.Verify(archive.Path, output, [published]);

        Assert.Equal(2, exitCode);
        Assert.Equal($"{published} is not a signed tree head file (130 bytes)", Lines(output).Single());
    }

    [Fact]
    public void Verify_NoSuchArchive_ExitsTwoNamingIt()
    {
        var missing = Path.Combine(_directory, "missing.zip");
        var output = new StringWriter();

        var exitCode = LogCommands.Verify(missing, output);

        Assert.Equal(2, exitCode);
        Assert.Equal($"{missing} does not exist", Lines(output).Single());
    }

    [Fact]
    public void Print_FailedReport_ListsFailuresThenNotesThenTheCount()
    {
        var report = new LogVerificationReport();
        report.Failures.Add(new LogVerificationFailure("entry-hash", "entry 7", "altered"));
        report.Failures.Add(new LogVerificationFailure("head-root", "tree head 9", "differs"));
        report.Notes.Add("archive of gateway X");
        var output = new StringWriter();

        var exitCode = LogCommands.Print(report, output);

        Assert.Equal(1, exitCode);
        Assert.Equal(["FAIL entry-hash: entry 7: altered", "FAIL head-root: tree head 9: differs", "archive of gateway X", "FAILED: 2 check(s) failed"], Lines(output));
    }

    [Fact]
    public async Task Export_IndicesAndTimesTogether_ExitsTwoBeforeReadingAnything()
    {
        var output = new StringWriter();

        var exitCode = await LogCommands.ExportAsync(Path.Combine(_directory, "missing.json"), Path.Combine(_directory, "out.zip"), 0, 5, DateTimeOffset.UnixEpoch, null, output, Ct);

        Assert.Equal(2, exitCode);
        Assert.Equal("give an index range or a time window, not both", Lines(output).Single());
    }

    [Theory]
    [InlineData(null, "cannot read the gateway configuration")]
    [InlineData("""{ "Registry": { "Url": "http://127.0.0.1:1" } }""", "has no Gateway section")]
    [InlineData("""{ "Gateway": { "Member": """, "cannot read the gateway configuration")]
    public async Task Export_UnreadableConfiguration_ExitsTwoNamingTheFile(string? content, string expected)
    {
        var config = Path.Combine(_directory, "gateway.json");
        if (content is not null)
        {
            await File.WriteAllTextAsync(config, content, Ct);
        }

        var output = new StringWriter();

        var exitCode = await LogCommands.ExportAsync(config, Path.Combine(_directory, "out.zip"), null, null, null, null, output, Ct);

        Assert.Equal(2, exitCode);
        var line = Lines(output).Single();
        Assert.Contains(config, line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_GatewayThatHasSignedNoTreeHead_ExitsTwoSayingWhenToExport()
    {
        // A real (empty) SQLite store under the configured data directory: the command read the file and opened it.
        var config = Path.Combine(_directory, "gateway.json");
        var data = Path.Combine(_directory, "data");
        await File.WriteAllTextAsync(config, $$"""{ "Gateway": { "Member": "SY/GOV/MOCT", "Code": "gw1", "DataDirectory": "{{data}}" } }""", Ct);
        var output = new StringWriter();

        var exitCode = await LogCommands.ExportAsync(config, Path.Combine(_directory, "out.zip"), null, null, null, null, output, Ct);

        Assert.Equal(2, exitCode);
        Assert.Equal("export failed: the log has no signed tree head yet; export after the gateway has signed one (every Gateway:MessageLog:TreeHeadInterval)", Lines(output).Single());
        Assert.True(File.Exists(Path.Combine(data, "messagelog.db")));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string[] Lines(StringWriter output) => output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
}

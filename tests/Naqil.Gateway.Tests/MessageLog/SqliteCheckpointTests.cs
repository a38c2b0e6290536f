using Microsoft.Extensions.Logging.Abstractions;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.MessageLog;
using Naqil.Gateway.Storage;
using Naqil.MessageLog;

namespace Naqil.Gateway.Tests.MessageLog;

/// <summary>
/// Under steady appends the SQLite log's WAL stays bounded: the heartbeat's checkpoints run while
/// the writer keeps committing, and the writer finishes each one so the WAL is rewritten from its
/// start instead of growing with every commit.
/// </summary>
public sealed class SqliteCheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("naqil-checkpoint-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task SteadyAppends_WithHeartbeatCheckpoints_KeepTheWalBounded()
    {
        var database = Path.Combine(_folder, "messagelog.db");
        using var store = new SqliteMessageLogStore(database);
        var options = new MessageLogOptions();
        var log = new MerkleMessageLog(store, new BodyVault(options, Path.Combine(_folder, "body.key")), options, TimeProvider.System, NullLogger<MerkleMessageLog>.Instance);
        await log.StartAsync(Ct);

        // Eight appenders that never pause, and a heartbeat checkpointing beside them.
        const int PerAppender = 600;
        var appenders = Enumerable.Range(0, 8).Select(a => Task.Run(async () =>
        {
            for (var i = 0; i < PerAppender; i++)
            {
                Assert.True(await log.AppendAsync(Entry(a, i), default, default, Ct));
            }
        }, Ct)).ToArray();
        var all = Task.WhenAll(appenders);
        var checkpoints = 0;
        long largestWal = 0;
        while (!all.IsCompleted)
        {
            await store.MaintainAsync(Ct);
            checkpoints++;
            largestWal = Math.Max(largestWal, new FileInfo(database + "-wal").Length);
            await Task.WhenAny(all, Task.Delay(25, Ct));
        }

        await all;
        await log.StopAsync(Ct);

        var entries = await store.ReadEntriesAsync(0, 8 * PerAppender, Ct);
        Assert.Equal(8 * PerAppender, entries.Count);
        Assert.True(checkpoints >= 5, $"only {checkpoints} checkpoints ran; the test needs the heartbeat to overlap the appends");

        // Every commit rewrites a few pages, so a WAL that is never restarted ends near ten times
        // the entries' own bytes here; restarted after each checkpoint it holds at most a fifth of that.
        var written = entries.Sum(e => (long)e.Encoding.Length);
        Assert.True(largestWal < 3 * written, $"the WAL reached {largestWal:N0} bytes for {written:N0} bytes of entries: it is not being restarted");
    }

    private static LogEntry Entry(int appender, int i) => new()
    {
        Side = "consumer",
        NaqilId = Guid.NewGuid().ToString("D"),
        Client = "SY/GOV/MOCT/portal",
        Service = "SY/GOV/CIVREG/registry/persons",
        Method = "GET",
        Path = $"/persons/{appender}/{i}/" + new string('x', 900),
        Status = 200,
        Outcome = "ok",
        Received = DateTimeOffset.UnixEpoch,
        Completed = DateTimeOffset.UnixEpoch,
    };
}

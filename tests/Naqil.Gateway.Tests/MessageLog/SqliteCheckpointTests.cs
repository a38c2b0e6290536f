using Microsoft.Data.Sqlite;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.MessageLog;
using Naqil.Gateway.Storage;
using Naqil.MessageLog;

namespace Naqil.Gateway.Tests.MessageLog;

/// <summary>
/// The SQLite log's WAL stays bounded under steady appends: the heartbeat's checkpoint cannot
/// finish while commits keep coming, so the writer finishes it before its next batch and the WAL
/// is rewritten from its start instead of growing with every commit.
/// </summary>
public sealed class SqliteCheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("naqil-checkpoint-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task AfterACheckpointThatCouldNotFinish_TheWriterFinishesIt_AndTheWalIsRewrittenNotExtended()
    {
        var database = Path.Combine(_folder, "messagelog.db");
        using var store = new SqliteMessageLogStore(database);
        var log = await SampleLog.OpenAsync(store, _folder, new MessageLogOptions().MaxBatch, Ct);
        await AppendAsync(log, 0, 40);

        // The heartbeat's checkpoint meets frames it may not copy yet, as it does under steady
        // traffic (there: frames committed while it copies; here: a reader still on older ones).
        await using (var reader = new SqliteConnection($"Data Source={database}"))
        {
            await reader.OpenAsync(Ct);
            // Deferred: a reader, not a second writer.
            await using var transaction = reader.BeginTransaction(deferred: true);
            await using var read = reader.CreateCommand();
            read.Transaction = transaction;
            read.CommandText = "SELECT COUNT(*) FROM log_entries";
            Assert.Equal(40L, await read.ExecuteScalarAsync(Ct));
            await AppendAsync(log, 40, 40);
            await store.MaintainAsync(Ct);
        }

        var walBefore = new FileInfo(database + "-wal").Length;
        await AppendAsync(log, 80, 20);
        var walAfter = new FileInfo(database + "-wal").Length;
        await log.StopAsync(Ct);

        // The next appends went to the start of the WAL (the checkpoint was finished first), so
        // the file did not grow; a WAL left unfinished is extended by every commit.
        Assert.Equal(walBefore, walAfter);
        Assert.Equal(100, (await store.ReadEntriesAsync(0, 100, Ct)).Count);
    }

    private static async Task AppendAsync(MerkleMessageLog log, int from, int count)
    {
        for (var i = from; i < from + count; i++)
        {
            Assert.True(await log.AppendAsync(Entry(i), default, default, Ct));
        }
    }

    // About 1 KiB each, so a few dozen entries fill several WAL pages.
    private static LogEntry Entry(int i) => SampleLog.Entry($"/persons/{i}/" + new string('x', 900), DateTimeOffset.UnixEpoch);
}

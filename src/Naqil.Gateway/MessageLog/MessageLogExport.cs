using Naqil.Gateway.Configuration;
using Naqil.Gateway.Storage;

namespace Naqil.Gateway.MessageLog;

/// <summary>What an export wrote: entries <c>[FirstIndex, EndIndex)</c>, covered by the tree head of <c>TreeSize</c>.</summary>
public sealed record ExportSummary(long FirstIndex, long EndIndex, long TreeSize, int TreeHeads, int Timestamps, string? Warning);

/// <summary>
/// <c>naqil log export</c>'s work, for the CLI to call: opens the store a gateway's options name,
/// finds the range and writes the archive with <see cref="LogArchiveExporter"/>. Reading the
/// configuration file and printing the outcome are the CLI's.
/// </summary>
public static class MessageLogExport
{
    /// <summary>
    /// Exports the gateway's log to <paramref name="archivePath"/>. The range is either indices
    /// <c>[fromIndex, toIndex)</c> or entries completed in <c>[fromTime, toTime)</c>; with neither,
    /// the whole log. Throws when the store cannot be read or the log has no signed tree head yet.
    /// </summary>
    public static async Task<ExportSummary> ExportAsync(
        GatewayOptions options,
        string archivePath,
        long? fromIndex,
        long? toIndex,
        DateTimeOffset? fromTime,
        DateTimeOffset? toTime,
        TimeProvider time,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if ((fromIndex is not null || toIndex is not null) && (fromTime is not null || toTime is not null))
        {
            throw new ArgumentException("give an index range or a time window, not both");
        }

        using var store = MessageLogStores.Create(options);
        await store.InitializeAsync(cancellationToken);
        var size = (await store.LoadStateAsync(cancellationToken)).Size;
        var start = fromIndex ?? (fromTime is { } f ? await store.FirstIndexAtOrAfterAsync(f, cancellationToken) : 0);
        var end = toIndex ?? (toTime is { } t ? await store.FirstIndexAtOrAfterAsync(t, cancellationToken) : size);
        await using var file = File.Create(archivePath);
        return await new LogArchiveExporter(store).ExportAsync(file, $"{options.Member}/{options.Code}", start, Math.Min(end, size), time.GetUtcNow(), cancellationToken);
    }
}

using Microsoft.Extensions.Configuration;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.MessageLog;
using Naqil.MessageLog;

namespace Naqil.Cli.MessageLog;

/// <summary>
/// <c>naqil log export</c> and <c>naqil log verify</c>. Both write plain lines to the given writer
/// and return the process exit code: 0 on success, 1 when verification fails, 2 when the command
/// cannot run (bad arguments, unreadable configuration or archive).
/// </summary>
internal static class LogCommands
{
    /// <summary>
    /// Exports the gateway's log to <paramref name="archivePath"/>, reading the store the
    /// gateway's configuration file names (its <c>Gateway</c> section). The range is either
    /// indices <c>[fromIndex, toIndex)</c> or entries completed in <c>[fromTime, toTime)</c>;
    /// with neither, the whole log.
    /// </summary>
    public static async Task<int> ExportAsync(
        string gatewayConfigFile,
        string archivePath,
        long? fromIndex,
        long? toIndex,
        DateTimeOffset? fromTime,
        DateTimeOffset? toTime,
        TextWriter output,
        CancellationToken cancellationToken = default)
    {
        if ((fromIndex is not null || toIndex is not null) && (fromTime is not null || toTime is not null))
        {
            await output.WriteLineAsync("give an index range or a time window, not both");
            return 2;
        }

        GatewayOptions options;
        try
        {
            options = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(gatewayConfigFile), optional: false).Build()
                .GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? throw new InvalidOperationException($"{gatewayConfigFile} has no Gateway section");
        }
        catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or FormatException)
        {
            await output.WriteLineAsync($"cannot read the gateway configuration {gatewayConfigFile}: {e.Message}");
            return 2;
        }

        try
        {
            var summary = await MessageLogExport.ExportAsync(options, archivePath, fromIndex, toIndex, fromTime, toTime, TimeProvider.System, cancellationToken);
            await output.WriteLineAsync($"exported entries [{summary.FirstIndex}, {summary.EndIndex}) of {options.Member}/{options.Code} with {summary.TreeHeads} tree heads and {summary.Timestamps} timestamp tokens, covered by tree head {summary.TreeSize}, to {archivePath}");
            if (summary.Warning is not null)
            {
                await output.WriteLineAsync($"warning: {summary.Warning}");
            }

            return 0;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await output.WriteLineAsync($"export failed: {e.Message}");
            return 2;
        }
    }

    /// <summary>
    /// Verifies an archive offline and prints every failure (which entry, which tree head, which
    /// check). <paramref name="publishedTreeHeadFiles"/> are tree heads published earlier (130-byte
    /// signed tree head files, e.g. the <c>.sth</c> files of an older archive) that the log must
    /// still be consistent with.
    /// </summary>
    public static int Verify(string archivePath, TextWriter output, IReadOnlyList<string>? publishedTreeHeadFiles = null)
    {
        var published = new List<SignedTreeHead>();
        foreach (var path in publishedTreeHeadFiles ?? [])
        {
            if (!File.Exists(path) || !SignedTreeHead.TryDecode(File.ReadAllBytes(path), out var head))
            {
                output.WriteLine($"{path} is not a signed tree head file (130 bytes)");
                return 2;
            }

            published.Add(head);
        }

        if (!File.Exists(archivePath))
        {
            output.WriteLine($"{archivePath} does not exist");
            return 2;
        }

        return Print(LogArchiveVerifier.Verify(archivePath, published), output);
    }

    /// <summary>Writes the report as lines (failures first, then what holds, then the verdict) and returns the exit code: 0 when everything verifies, 1 otherwise.</summary>
    public static int Print(LogVerificationReport report, TextWriter output)
    {
        foreach (var failure in report.Failures)
        {
            output.WriteLine(failure.ToString());
        }

        foreach (var note in report.Notes)
        {
            output.WriteLine(note);
        }

        output.WriteLine(report.Ok
            ? $"OK: {report.EntriesChecked} entries verified in a log of {report.TreeSize}"
            : $"FAILED: {report.Failures.Count} check(s) failed");
        return report.Ok ? 0 : 1;
    }
}

using System.CommandLine;
using Naqil.Cli.MessageLog;

namespace Naqil.Cli.Commands;

/// <summary><c>naqil log export | verify</c>: a gateway's message log as evidence, exported and checked offline.</summary>
internal static class LogCommand
{
    public static Command Create()
    {
        var command = new Command("log", "Export a gateway's message log as a self-contained archive, or verify an archive offline");
        command.Subcommands.Add(Export());
        command.Subcommands.Add(Verify());
        return command;
    }

    private static Command Export()
    {
        var config = NaqilCommand.ConfigOption("gateway whose log to export");
        var output = new Option<FileInfo>("--out") { Description = "The archive to write (a zip file)", Required = true };
        var from = new Option<long?>("--from") { Description = "First entry index to export (inclusive)" };
        var to = new Option<long?>("--to") { Description = "Entry index to stop before (exclusive)" };
        var since = new Option<DateTimeOffset?>("--since") { Description = "Export entries completed at or after this time (ISO 8601)" };
        var until = new Option<DateTimeOffset?>("--until") { Description = "Export entries completed before this time (ISO 8601)" };
        var command = new Command("export", "Write entries, every leaf hash, signed tree heads, timestamp tokens and the certificates needed to verify them") { config, output, from, to, since, until };
        command.SetAction((result, cancellationToken) => LogCommands.ExportAsync(
            result.GetValue(config)!.FullName, result.GetValue(output)!.FullName,
            result.GetValue(from), result.GetValue(to), result.GetValue(since), result.GetValue(until), Console.Out, cancellationToken));
        return command;
    }

    private static Command Verify()
    {
        var archive = new Argument<FileInfo>("archive") { Description = "An archive written by naqil log export" };
        var published = new Option<FileInfo[]>("--published")
        {
            Description = "Signed tree heads published earlier (.sth files) that the log must still be consistent with",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("verify", "Recompute the tree and check every entry, tree-head signature, consistency and timestamp token; exit 1 on any failure") { archive, published };
        command.SetAction(result => LogCommands.Verify(
            result.GetValue(archive)!.FullName, Console.Out, result.GetValue(published)?.Select(f => f.FullName).ToList()));
        return command;
    }
}

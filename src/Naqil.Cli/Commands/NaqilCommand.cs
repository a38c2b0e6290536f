using System.CommandLine;

namespace Naqil.Cli.Commands;

/// <summary>The <c>naqil</c> command: one executable that composes every component.</summary>
internal static class NaqilCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand("Naqil: a government service bus. Agencies publish services and call each other through gateways; every exchange is mutually authenticated, signed and verifiable.");
        root.Subcommands.Add(SandboxCommand.Create());
        root.Subcommands.Add(RegistryCommand.Create());
        root.Subcommands.Add(GatewayCommand.Create());
        root.Subcommands.Add(AnchorCommand.Create());
        root.Subcommands.Add(LogCommand.Create());
        root.Subcommands.Add(EventsCommand.Create());
        root.Subcommands.Add(DocCommand.Create());
        root.Subcommands.Add(KeysCommand.Create());
        root.Subcommands.Add(PaymentsCommand.Create());
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>. An argument error exits 1 as the parser decides, except
    /// for <c>naqil doc verify</c>, where 1 means TOTAL-FAILED: there it is a refusal, 3.
    /// </summary>
    public static async Task<int> InvokeAsync(string[] args, InvocationConfiguration? configuration = null, CancellationToken cancellationToken = default)
    {
        var result = Create().Parse(args);
        var exitCode = await result.InvokeAsync(configuration, cancellationToken);
        return result.Errors.Count > 0 && DocCommand.IsVerify(result) ? Documents.DocCommands.Refused : exitCode;
    }

    /// <summary>The --config option every long-running component takes.</summary>
    public static Option<FileInfo> ConfigOption(string what) => new("--config")
    {
        Description = $"JSON configuration file of the {what}",
        Required = true,
    };
}

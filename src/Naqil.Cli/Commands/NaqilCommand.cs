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
        return root;
    }

    /// <summary>The --config option every long-running component takes.</summary>
    public static Option<FileInfo> ConfigOption(string what) => new("--config")
    {
        Description = $"JSON configuration file of the {what}",
        Required = true,
    };
}

using System.CommandLine;
using Naqil.Cli.Federation;

namespace Naqil.Cli.Commands;

/// <summary><c>naqil anchor export | import | remove</c>: start and end a federation between two instances.</summary>
internal static class AnchorCommand
{
    public static Command Create()
    {
        var command = new Command("anchor", "Hand an instance's anchor to a federation partner, import a partner's, or end a federation");
        command.Subcommands.Add(Export());
        command.Subcommands.Add(Import());
        command.Subcommands.Add(Remove());
        return command;
    }

    private static Option<string> RegistryOption() => new("--registry")
    {
        Description = "Base URL of the registry, e.g. http://127.0.0.1:4100",
        Required = true,
    };

    private static Option<FileInfo> TokenFileOption() => new("--token-file")
    {
        Description = "File holding the registry's admin token (the sandbox keeps it in .naqil/<instance>/registry/admin-token)",
        Required = true,
    };

    private static Command Export()
    {
        var registry = RegistryOption();
        var output = new Option<FileInfo>("--out") { Description = "Where to write the anchor file", Required = true };
        var configUrl = new Option<string?>("--config-url") { Description = "The trust configuration URL partners will use, if not the registry URL's /trust/v1/config" };
        var command = new Command("export", "Write this instance's anchor (registry certificate, trust configuration URL, instance code) to a file") { registry, output, configUrl };
        command.SetAction(async (result, cancellationToken) =>
        {
            return await RunAsync("anchor export", async () =>
            {
                var anchor = await AnchorDocument.FetchAsync(result.GetValue(registry)!, result.GetValue(configUrl), cancellationToken);
                anchor.Write(result.GetValue(output)!.FullName);
                Console.WriteLine($"Wrote the anchor of {anchor.Instance} to {result.GetValue(output)!.FullName}");
                Console.WriteLine($"Thumbprint (read it to the partner's operator): {anchor.Thumbprint}");
            });
        });
        return command;
    }

    private static Command Import()
    {
        var file = new Argument<FileInfo>("file") { Description = "The partner's anchor file" };
        var registry = RegistryOption();
        var token = TokenFileOption();
        var command = new Command("import", "Add a partner instance's anchor to this registry: its gateways may then fetch and trust the partner's configuration") { file, registry, token };
        command.SetAction(async (result, cancellationToken) =>
        {
            return await RunAsync("anchor import", async () =>
            {
                var anchor = AnchorDocument.Read(result.GetValue(file)!.FullName);
                await anchor.ImportAsync(result.GetValue(registry)!, await ReadTokenAsync(result.GetValue(token)!, cancellationToken), cancellationToken);
                Console.WriteLine($"Imported the anchor of {anchor.Instance} (thumbprint {anchor.Thumbprint}); gateways that allow {anchor.Instance} pick it up at their next poll");
            });
        });
        return command;
    }

    private static Command Remove()
    {
        var instance = new Argument<string>("instance") { Description = "The partner's instance code, e.g. IQ" };
        var registry = RegistryOption();
        var token = TokenFileOption();
        var command = new Command("remove", "End a federation: remove the partner's anchor; gateways stop cross-border traffic at their next poll") { instance, registry, token };
        command.SetAction(async (result, cancellationToken) =>
        {
            return await RunAsync("anchor remove", async () =>
            {
                await AnchorDocument.RemoveAsync(result.GetValue(registry)!, await ReadTokenAsync(result.GetValue(token)!, cancellationToken), result.GetValue(instance)!, cancellationToken);
                Console.WriteLine($"Removed the partner {result.GetValue(instance)}");
            });
        });
        return command;
    }

    private static async Task<string> ReadTokenAsync(FileInfo file, CancellationToken cancellationToken) =>
        file.Exists ? (await File.ReadAllTextAsync(file.FullName, cancellationToken)).Trim() : throw new InvalidOperationException($"the token file {file.FullName} does not exist");

    private static async Task<int> RunAsync(string name, Func<Task> action)
    {
        try
        {
            await action();
            return 0;
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or IOException or System.Text.Json.JsonException or System.Security.Cryptography.CryptographicException)
        {
            await Console.Error.WriteLineAsync($"naqil {name}: {e.Message}");
            return 1;
        }
    }
}

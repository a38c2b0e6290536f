using System.CommandLine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Naqil.Cli.Hosting;
using Naqil.Registry;

namespace Naqil.Cli.Commands;

/// <summary><c>naqil registry --config FILE</c>: one instance's registry.</summary>
internal static class RegistryCommand
{
    public static Command Create()
    {
        var config = NaqilCommand.ConfigOption("registry");
        var command = new Command("registry", "Run an instance's registry: members, gateways, services and the signed trust configuration") { config };
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(config)!, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo file, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            await Console.Error.WriteLineAsync($"naqil registry: the configuration file {file.FullName} does not exist");
            return 2;
        }

        var builder = ComponentHost.CreateBuilder();
        builder.Configuration.AddJsonFile(file.FullName, optional: false);
        var section = builder.Configuration.GetSection("Registry");
        var options = section.Get<RegistryOptions>();
        var url = section["Url"] ?? "http://127.0.0.1:4100";
        if (options is null)
        {
            await Console.Error.WriteLineAsync($"naqil registry: {file.FullName} has no \"Registry\" section; see docs/operations.md");
            return 2;
        }

        try
        {
            builder.Services.AddNaqilRegistry(options);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"naqil registry: {e.Message}");
            return 2;
        }

        builder.WebHost.UseUrls(url);
        await using var app = builder.Build();
        app.MapNaqilRegistry();
        await app.StartAsync(cancellationToken);
        Console.WriteLine($"Registry of {options.Instance} listening on {url}; trust configuration at {url}/trust/v1/config");
        await WaitForShutdownAsync(cancellationToken);
        await app.StopAsync(CancellationToken.None);
        return 0;
    }

    internal static async Task WaitForShutdownAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }
}

using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Naqil.Cli.Hosting;
using Naqil.Gateway;

namespace Naqil.Cli.Commands;

/// <summary><c>naqil gateway --config FILE</c>: one member's gateway.</summary>
internal static class GatewayCommand
{
    public static Command Create()
    {
        var config = NaqilCommand.ConfigOption("gateway");
        var command = new Command("gateway", "Run one member's gateway: the consumer face for its information systems and the provider face for other gateways") { config };
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(config)!, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo file, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            await Console.Error.WriteLineAsync($"naqil gateway: the configuration file {file.FullName} does not exist");
            return 2;
        }

        var builder = ComponentHost.CreateBuilder();
        builder.Configuration.AddJsonFile(file.FullName, optional: false);
        builder.AddNaqilGateway();
        await using var app = builder.Build();
        app.MapNaqilGateway();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync($"naqil gateway: the configuration in {file.FullName} is not valid:");
            foreach (var failure in e.Failures)
            {
                await Console.Error.WriteLineAsync($"  - {failure}");
            }

            return 2;
        }
        catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException or null)
        {
            await Console.Error.WriteLineAsync($"naqil gateway: cannot listen: {e.Message}; change Gateway:ConsumerUrl or Gateway:ProviderUrl");
            return 2;
        }

        var endpoints = app.Services.GetRequiredService<GatewayEndpoints>();
        Console.WriteLine($"Gateway listening: consumer face {endpoints.ConsumerUrl}, provider face {endpoints.ProviderUrl}");
        await RegistryCommand.WaitForShutdownAsync(cancellationToken);
        await app.StopAsync(CancellationToken.None);
        return 0;
    }
}

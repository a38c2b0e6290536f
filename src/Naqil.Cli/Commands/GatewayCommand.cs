using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Naqil.Cli.Hosting;
using Naqil.Gateway;
using Naqil.Gateway.Configuration;

namespace Naqil.Cli.Commands;

/// <summary><c>naqil gateway --config FILE</c>: one member's gateway.</summary>
internal static class GatewayCommand
{
    public static Command Create()
    {
        var config = NaqilCommand.ConfigOption("gateway");
        var command = new Command("gateway", "Run one member's gateway: the consumer face for its information systems and the provider face for other gateways") { config };
        command.SetAction((result, cancellationToken) => Runner().RunAsync(result.GetValue(config)!, cancellationToken));
        return command;
    }

    /// <summary>The gateway bound from the file's <c>Gateway</c> section; <paramref name="output"/> and <paramref name="error"/> default to the console.</summary>
    internal static ComponentRunner Runner(TextWriter? output = null, TextWriter? error = null) => new()
    {
        Command = "gateway",
        Section = GatewayOptions.Section,
        Compose = builder => builder.AddNaqilGateway(),
        Map = app => app.MapNaqilGateway(),
        Started = app =>
        {
            var endpoints = app.Services.GetRequiredService<GatewayEndpoints>();
            return $"Gateway listening: consumer face {endpoints.ConsumerUrl}, provider face {endpoints.ProviderUrl}";
        },
        ListenFix = "change Gateway:ConsumerUrl or Gateway:ProviderUrl, or stop what uses the port",
        Output = output ?? Console.Out,
        Error = error ?? Console.Error,
    };
}

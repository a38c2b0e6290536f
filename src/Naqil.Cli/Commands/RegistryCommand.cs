using System.CommandLine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
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
        command.SetAction((result, cancellationToken) => Runner().RunAsync(result.GetValue(config)!, cancellationToken));
        return command;
    }

    /// <summary>The registry bound from the file's <c>Registry</c> section; <paramref name="output"/> and <paramref name="error"/> default to the console.</summary>
    internal static ComponentRunner Runner(TextWriter? output = null, TextWriter? error = null) => new()
    {
        Command = "registry",
        Section = RegistryOptions.Section,
        Compose = builder =>
        {
            builder.Services.AddNaqilRegistry();
            // Registry:Url is checked with the other options when the host starts, before Kestrel binds it.
            builder.WebHost.UseUrls(builder.Configuration[$"{RegistryOptions.Section}:{nameof(RegistryOptions.Url)}"] ?? RegistryOptions.DefaultUrl);
        },
        Map = app => app.MapNaqilRegistry(),
        Started = app =>
        {
            var options = app.Services.GetRequiredService<RegistryOptions>();
            return $"Registry of {options.Instance} listening on {options.Url}; trust configuration at {options.Url.TrimEnd('/')}/trust/v1/config";
        },
        ListenFix = "change Registry:Url, or stop what uses the port",
        Output = output ?? Console.Out,
        Error = error ?? Console.Error,
    };
}

using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Naqil.Cli.Hosting;

/// <summary>
/// Runs a long-lived component from its configuration file until Ctrl+C. Every configuration
/// problem (the file, its shape, its values, a data directory in use, a port taken) ends the run
/// with exit code 2 and one line per problem on standard error, never a stack trace.
/// </summary>
internal sealed class ComponentRunner
{
    public const int ConfigurationError = 2;

    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>The command's name in messages, e.g. <c>gateway</c>.</summary>
    public required string Command { get; init; }

    /// <summary>The component's configuration section, e.g. <c>Gateway</c>.</summary>
    public required string Section { get; init; }

    /// <summary>Adds the component to the host, its options bound from <see cref="Section"/>.</summary>
    public required Action<WebApplicationBuilder> Compose { get; init; }

    /// <summary>Maps its endpoints.</summary>
    public required Action<WebApplication> Map { get; init; }

    /// <summary>The line printed once it listens.</summary>
    public required Func<WebApplication, string> Started { get; init; }

    /// <summary>What to tell the operator when a listener cannot be bound.</summary>
    public required string ListenFix { get; init; }

    public TextWriter Output { get; init; } = Console.Out;

    public TextWriter Error { get; init; } = Console.Error;

    public async Task<int> RunAsync(FileInfo file, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (ConfigurationFile.Load(file, Section, problems) is not { } configuration)
        {
            return await FailAsync(file, problems);
        }

        var app = await TryStartAsync(configuration, problems, cancellationToken);
        if (app is null)
        {
            return await FailAsync(file, problems);
        }

        await using (app)
        {
            await Output.WriteLineAsync(Started(app));
            await WaitForShutdownAsync(cancellationToken);
            await app.StopAsync(CancellationToken.None);
        }

        return 0;
    }

    private async Task<WebApplication?> TryStartAsync(IConfigurationRoot configuration, List<string> problems, CancellationToken cancellationToken)
    {
        WebApplication? app = null;
        var started = false;
        try
        {
            var builder = ComponentHost.CreateBuilder();
            builder.Configuration.AddConfiguration(configuration);
            // The host logs a failed start as an error with the exception's stack trace; the failure is reported below, one line per problem.
            builder.Logging.AddFilter(HostCategory, level => started && level >= LogLevel.Warning);
            Compose(builder);
            // Build already reads the options of a component whose listeners come from them.
            app = builder.Build();
            Map(app);
            await app.StartAsync(cancellationToken);
            started = true;
            return app;
        }
        catch (OptionsValidationException e)
        {
            problems.AddRange(e.Failures);
        }
        catch (IOException e) when (e.InnerException is SocketException or null)
        {
            problems.Add($"cannot listen: {e.Message}; {ListenFix}");
        }

        if (app is not null)
        {
            await app.DisposeAsync();
        }

        return null;
    }

    private async Task<int> FailAsync(FileInfo file, List<string> problems)
    {
        if (problems.Count == 1)
        {
            await Error.WriteLineAsync($"naqil {Command}: {problems[0]}");
        }
        else
        {
            await Error.WriteLineAsync($"naqil {Command}: the configuration in {file.FullName} has {problems.Count} problems:");
            foreach (var problem in problems)
            {
                await Error.WriteLineAsync($"  {problem}");
            }
        }

        return ConfigurationError;
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

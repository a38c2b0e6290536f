using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Naqil.Cli.Hosting;

/// <summary>Builders and checks shared by every component the CLI runs.</summary>
internal static class ComponentHost
{
    /// <summary>
    /// The host setting that stops the default configuration files (<c>appsettings*.json</c> in the
    /// content root, the working directory) from being watched. A watch on them is one inotify watch
    /// on every folder under the working directory, so every write there (the message log's SQLite
    /// pages, its WAL) wakes a watcher thread: the sandbox, whose state is under the working
    /// directory, spent a third of a core on it at 200 exchanges/s. No component reloads its
    /// configuration (a changed file takes a restart), so nothing is lost.
    /// </summary>
    internal const string NoConfigurationWatch = "--hostBuilder:reloadConfigOnChange=false";

    /// <summary>A slim web host whose console logging shows warnings and worse unless configured otherwise, and never the per-request lines of ASP.NET Core's hosting; it watches no files.</summary>
    public static WebApplicationBuilder CreateBuilder(string[]? args = null, LogLevel minimumLevel = LogLevel.Warning)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [.. args ?? [], NoConfigurationWatch] });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.SetMinimumLevel(minimumLevel);

        // ASP.NET Core's hosting starts an Activity for every request while this category logs at
        // any level (it checks Critical), and all it logs is "Request starting/finished" at
        // Information, with the request's path: personal data on the bus (a person's national id
        // in /persons/...). Off, a gateway allocates and tracks no Activity per exchange.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        return builder;
    }

    /// <summary>Null when <paramref name="port"/> can be bound on loopback now, else the reason.</summary>
    public static string? CheckPortFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return null;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode == SocketError.AddressAlreadyInUse ? "already in use" : e.Message;
        }
    }
}

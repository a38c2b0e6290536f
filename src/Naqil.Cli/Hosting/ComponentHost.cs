using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Naqil.Cli.Hosting;

/// <summary>Builders and checks shared by every component the CLI runs.</summary>
internal static class ComponentHost
{
    /// <summary>A slim web host whose console logging shows warnings and worse unless configured otherwise, and never the per-request lines of ASP.NET Core's hosting.</summary>
    public static WebApplicationBuilder CreateBuilder(string[]? args = null, LogLevel minimumLevel = LogLevel.Warning)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args ?? [] });
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

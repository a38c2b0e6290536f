using System.Net;
using System.Net.Sockets;

namespace Naqil.EndToEnd.Tests;

internal static class Ports
{
    /// <summary>A port base whose next <paramref name="span"/> loopback ports are free now (below the ephemeral range).</summary>
    public static int FreeBase(int span = 40)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var candidate = Random.Shared.Next(20_000, 32_000 - span);
            if (Enumerable.Range(candidate, span).All(IsFree))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("no free range of loopback ports found");
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

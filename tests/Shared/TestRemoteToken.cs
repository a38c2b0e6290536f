using System.Diagnostics;
using Naqil.Keys;

namespace Naqil.Tests.Shared;

/// <summary>
/// A token that can go away: a SoftHSM2 token served by <c>p11-kit server</c> over a Unix socket
/// and reached through p11-kit's client module, as a network HSM is reached through its vendor's
/// client library. <see cref="Stop"/> kills the server (and the process it forked for each
/// connection): the token is gone mid-call. <see cref="Start"/> serves it again at the same address.
/// </summary>
internal sealed class TestRemoteToken(string token, string providerModule, string socket, string? softHsmConfiguration = null) : IDisposable
{
    public const string ClientModule = "/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-client.so";

    private Process? _server;

    /// <summary>The address clients find the server at: the value of <c>P11_KIT_SERVER_ADDRESS</c>.</summary>
    public string Address => "unix:path=" + socket;

    /// <summary>Serves <paramref name="token"/> (made with <see cref="TestSoftHsm"/>) and points this process's client module at it; <see cref="Token"/> reaches it.</summary>
    public static TestRemoteToken Serve(Pkcs11Uri token)
    {
        RequireTools();
        var remote = new TestRemoteToken(token.Token!, token.ModulePath, Path.Combine(Directory.CreateTempSubdirectory("naqil-p11-").FullName, "socket")) { Token = token with { ModulePath = ClientModule } };
        remote.Start();
        SoftHsm.SetNativeEnvironment("P11_KIT_SERVER_ADDRESS", remote.Address);
        return remote;
    }

    /// <summary>p11-kit and its client module, or the test is skipped (locally) or fails (under CI).</summary>
    public static void RequireTools()
    {
        ExternalTool.Find("p11-kit", "p11-kit");
        if (!File.Exists(ClientModule))
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail("p11-kit's client module (Debian package p11-kit-modules) is required under CI.");
            }

            Assert.Skip("p11-kit-modules is not installed.");
        }
    }

    /// <summary>The token through the client module (from <see cref="Serve"/>); keys are named with <c>ForObject</c>.</summary>
    public Pkcs11Uri Token { get; private init; } = null!;

    public void Start()
    {
        File.Delete(socket);
        var start = new ProcessStartInfo("p11-kit", ["server", "-f", "-n", socket, "--provider", providerModule, $"pkcs11:token={Uri.EscapeDataString(token)}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (softHsmConfiguration is not null)
        {
            start.Environment["SOFTHSM2_CONF"] = softHsmConfiguration;
        }

        _server = Process.Start(start)!;
        var clock = Stopwatch.StartNew();
        while (!File.Exists(socket))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10) && !_server.HasExited, "p11-kit server did not open its socket");
            Thread.Sleep(10);
        }
    }

    public void Stop()
    {
        _server?.Kill(entireProcessTree: true);
        _server?.WaitForExit();
        _server?.Dispose();
        _server = null;

        // The server forks a process per client connection, which carries the server's command line:
        // any that escaped the tree (forked as the tree was walked) goes too, so the token is gone.
        using var stragglers = Process.Start(new ProcessStartInfo("pkill", ["-KILL", "-f", socket]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        stragglers.WaitForExit();
    }

    public void Dispose() => Stop();
}

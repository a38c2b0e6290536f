using System.Diagnostics;
using Naqil.Keys;

namespace Naqil.Tests.Shared;

/// <summary>
/// A token that can go away: a SoftHSM2 token served by <c>p11-kit server</c> over a Unix socket
/// and reached through p11-kit's client module, as a network HSM is reached through its vendor's
/// client library. <see cref="Stop"/> kills the server (and the process it forked for each
/// connection): the token is gone mid-call. <see cref="Start"/> serves it again at the same address.
/// </summary>
internal sealed class TestRemoteToken : IDisposable
{
    public const string ClientModule = "/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-client.so";

    private readonly string _socket;
    private readonly Pkcs11Uri _token;
    private Process? _server;

    private TestRemoteToken(Pkcs11Uri token, string socket)
    {
        _token = token;
        _socket = socket;
    }

    /// <summary>The address clients find the server at: the value of <c>P11_KIT_SERVER_ADDRESS</c>.</summary>
    public string Address => "unix:path=" + _socket;

    /// <summary>The token through the client module; keys are named with <c>ForObject</c>.</summary>
    public Pkcs11Uri Token => _token with { ModulePath = ClientModule };

    /// <summary>Serves <paramref name="token"/> (made with <see cref="TestSoftHsm"/>) and points this process's client module at it.</summary>
    public static TestRemoteToken Serve(Pkcs11Uri token)
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

        var remote = new TestRemoteToken(token, Path.Combine(Directory.CreateTempSubdirectory("naqil-p11-").FullName, "socket"));
        remote.Start();
        SoftHsm.SetNativeEnvironment("P11_KIT_SERVER_ADDRESS", remote.Address);
        return remote;
    }

    public void Start()
    {
        File.Delete(_socket);
        var start = new ProcessStartInfo("p11-kit", ["server", "-f", "-n", _socket, "--provider", _token.ModulePath, $"pkcs11:token={Uri.EscapeDataString(_token.Token!)}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _server = Process.Start(start)!;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.Exists(_socket))
        {
            Assert.True(DateTime.UtcNow < deadline && !_server.HasExited, "p11-kit server did not open its socket");
            Thread.Sleep(10);
        }
    }

    public void Stop()
    {
        _server?.Kill(entireProcessTree: true);
        _server?.WaitForExit();
        _server?.Dispose();
        _server = null;
    }

    public void Dispose() => Stop();
}

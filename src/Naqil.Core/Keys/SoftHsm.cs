using System.Runtime.InteropServices;

namespace Naqil.Keys;

/// <summary>
/// SoftHSM2, Debian's software token (<c>softhsm2</c>): the token the sandbox's <c>--keys pkcs11</c>
/// and the tests use. Its tokens live in a directory its configuration file names, read from
/// <c>SOFTHSM2_CONF</c> when the module is initialised, so <see cref="Use"/> must run before the
/// process first loads the module.
/// </summary>
public static class SoftHsm
{
    public const string DefaultModule = "/usr/lib/softhsm/libsofthsm2.so";

    /// <summary>Where the module is on this machine, or null when SoftHSM2 is not installed.</summary>
    public static string? FindModule() =>
        new[] { DefaultModule, "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so", "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so", "/usr/local/lib/softhsm/libsofthsm2.so" }
            .FirstOrDefault(File.Exists);

    /// <summary>
    /// Points this process's SoftHSM2 at a token directory under <paramref name="directory"/>
    /// (made owner-only), writing its configuration file there; returns the configuration file.
    /// </summary>
    public static string Use(string directory)
    {
        var tokens = Path.Combine(directory, "tokens");
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(tokens);
        }
        else
        {
            Directory.CreateDirectory(tokens, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var configuration = Path.Combine(directory, "softhsm2.conf");
        File.WriteAllText(configuration, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        SetNativeEnvironment("SOFTHSM2_CONF", configuration);
        return configuration;
    }

    /// <summary>
    /// Sets a variable both for .NET (and the processes it starts) and for native code in this
    /// process: on Unix, <see cref="Environment.SetEnvironmentVariable(string, string)"/> changes only
    /// .NET's own copy, and a PKCS#11 module reads its configuration with getenv.
    /// </summary>
    public static void SetNativeEnvironment(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        if (!OperatingSystem.IsWindows() && SetEnv(name, value, 1) != 0)
        {
            throw new InvalidOperationException($"setenv({name}) failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }
    }

    [DllImport("libc", EntryPoint = "setenv", SetLastError = true)]
    private static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
}

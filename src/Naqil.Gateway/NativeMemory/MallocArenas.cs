using System.Runtime.InteropServices;

namespace Naqil.Gateway.NativeMemory;

/// <summary>
/// Caps glibc's malloc arenas for the process. glibc gives each thread that allocates its own arena,
/// up to eight per core, and an arena keeps its high-water mark: native allocations (OpenSSL's TLS
/// and ECDSA, SQLite) made from thread-pool threads, which come and go, pinned one arena after
/// another, and a gateway's resident memory rose by about 2.5 MiB a minute under steady traffic while
/// its managed heap stayed flat. Two arenas keep some parallelism and bound that growth
/// (docs/performance.md, "Memory"). Public because it must run before anything allocates:
/// the CLI calls it first, for every component it starts.
/// </summary>
public static class MallocArenas
{
    internal const int Limit = 2;

    private const int MArenaMax = -8; // M_ARENA_MAX in glibc's malloc.h

    /// <summary>Caps the arenas unless <see cref="ShouldCap"/> says the operator chose, or this is not Linux.</summary>
    public static void CapUnlessConfigured()
    {
        if (!ShouldCap(OperatingSystem.IsLinux(), Environment.GetEnvironmentVariable))
        {
            return;
        }

        try
        {
            _ = Mallopt(MArenaMax, Limit);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has no arenas to cap): nothing to do.
        }
    }

    /// <summary>
    /// Whether to cap: only on Linux, and only when the operator set no limit of their own
    /// (<c>MALLOC_ARENA_MAX</c>, or <c>glibc.malloc.arena_max</c> in <c>GLIBC_TUNABLES</c>), which
    /// glibc has already applied before the runtime started and which this must not override.
    /// </summary>
    internal static bool ShouldCap(bool isLinux, Func<string, string?> environment) =>
        isLinux
        && string.IsNullOrEmpty(environment("MALLOC_ARENA_MAX"))
        && environment("GLIBC_TUNABLES")?.Contains("glibc.malloc.arena_max", StringComparison.Ordinal) != true;

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    private static extern int Mallopt(int parameter, int value);
}

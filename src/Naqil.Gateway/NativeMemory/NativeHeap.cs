using System.Runtime.InteropServices;

namespace Naqil.Gateway.NativeMemory;

/// <summary>
/// The native memory a gateway holds outside the GC, as its allocators count it: glibc's malloc
/// (OpenSSL's TLS and ECDSA, SQLite, the runtime's own native allocations) and SQLite's share of
/// that. Read on demand by <c>GET /admin/v1/runtime</c>, so an operator can tell memory in use from
/// memory malloc holds free (fragmented arenas), which resident memory alone cannot.
/// </summary>
internal static class NativeHeap
{
    /// <summary>glibc's figures, or null where there is no glibc (musl, Windows, macOS) or it is older than 2.33.</summary>
    public static (long InUseBytes, long FreeBytes)? Malloc()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            var info = MallInfo2();
            // uordblks: allocated in the arenas; hblkhd: allocated as mappings of their own (large blocks).
            // fordblks: free in the arenas (held, not returned to the OS unless whole pages at the top).
            return ((long)(info.Uordblks + info.Hblkhd), (long)info.Fordblks);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Hands the free memory in every malloc arena back to the system (glibc's <c>malloc_trim(0)</c>:
    /// the top of each heap, and the whole free pages inside it). The blocks stay free in the
    /// arenas; only their pages go. False where there is no glibc.
    /// </summary>
    public static bool Trim()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            _ = MallocTrim(0);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>The process's resident anonymous memory (<c>RssAnon</c> in /proc/self/status), or null off Linux.</summary>
    public static long? ResidentAnonymousBytes()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            // "RssAnon:	   78708 kB"
            if (line.StartsWith("RssAnon:", StringComparison.Ordinal)
                && long.TryParse(line.AsSpan(8).Trim().TrimEnd("kB").Trim(), out var kib))
            {
                return kib * 1024;
            }
        }

        return null;
    }

    /// <summary>Bytes SQLite has allocated and not freed (its page caches, statements, schema), in this process.</summary>
    public static long Sqlite() => SQLitePCL.raw.sqlite3_memory_used();

    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    [DllImport("libc.so.6", EntryPoint = "mallinfo2")]
    private static extern MallInfo2Struct MallInfo2();

    // struct mallinfo2 in glibc's malloc.h: ten size_t fields.
    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2Struct
    {
        public nuint Arena;
        public nuint Ordblks;
        public nuint Smblks;
        public nuint Hblks;
        public nuint Hblkhd;
        public nuint Usmblks;
        public nuint Fsmblks;
        public nuint Uordblks;
        public nuint Fordblks;
        public nuint Keepcost;
    }
}

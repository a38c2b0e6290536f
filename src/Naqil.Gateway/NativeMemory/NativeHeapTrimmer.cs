using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;

namespace Naqil.Gateway.NativeMemory;

/// <summary>
/// Every <see cref="GatewayOptions.NativeHeapTrimInterval"/>, hands the pages glibc's malloc holds
/// free back to the system. A gateway's native allocations are many and short-lived (OpenSSL per
/// TLS record and signature, SQLite per statement) and land in one arena per thread-pool thread;
/// each arena keeps its high-water mark, so without this the resident memory of a fresh gateway
/// creeps up for its first quarter hour under steady traffic while the memory in use stays flat.
/// The figures are the process's (malloc is per process), read by <c>GET /admin/v1/runtime</c>.
/// </summary>
internal sealed class NativeHeapTrimmer(IOptions<GatewayOptions> options, TimeProvider time, ILogger<NativeHeapTrimmer> logger) : BackgroundService
{
    private static long s_trims;
    private static long s_releasedBytes;

    /// <summary>Trims done in this process, and the resident anonymous memory they gave back.</summary>
    public static (long Trims, long ReleasedBytes) Totals => (Interlocked.Read(ref s_trims), Interlocked.Read(ref s_releasedBytes));

    /// <summary>One trim, now: the resident anonymous memory it gave back, or null where there is no glibc.</summary>
    public static long? TrimOnce()
    {
        var before = NativeHeap.ResidentAnonymousBytes();
        if (!NativeHeap.Trim())
        {
            return null;
        }

        // Other threads allocate meanwhile, so the difference is what the trim gave back less what they took.
        var released = Math.Max(0, (before ?? 0) - (NativeHeap.ResidentAnonymousBytes() ?? 0));
        Interlocked.Increment(ref s_trims);
        Interlocked.Add(ref s_releasedBytes, released);
        return released;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.NativeHeapTrimInterval;
        if (interval <= TimeSpan.Zero || !OperatingSystem.IsLinux())
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (TrimOnce() is null)
                {
                    Log.NativeHeapTrimUnavailable(logger);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using Naqil.LoadHarness.Processes;
using Naqil.LoadHarness.Targets;

namespace Naqil.LoadHarness.Load;

/// <summary>
/// The soak of issue 5: a steady open-loop GET load at half a Naqil target's measured capacity for
/// minutes, with each gateway's resident memory (<c>VmRSS</c>) and managed heap sampled as it runs.
/// What must hold: no request fails, and memory stays flat once warm (<see cref="FlatRule"/>).
/// </summary>
internal static class Soak
{
    /// <summary>Latency is reported per tenth of the run: per minute in a 10-minute soak.</summary>
    public const int Slices = 10;

    /// <summary>RSS may grow by this much, or by <see cref="AllowedGrowthFraction"/> of the second tenth's if that is more.</summary>
    public const long AllowedGrowthBytes = 16L << 20;

    public const double AllowedGrowthFraction = 0.10;

    /// <summary>The duration the budget names; a shorter soak is reported but not judged.</summary>
    public static readonly TimeSpan BudgetDuration = TimeSpan.FromMinutes(10);

    public const string FlatRule = "flat: the mean RSS of the last tenth of the run is at most 16 MiB or 10 % (whichever is more) above the mean of the second tenth (the first may still settle), and a least-squares line through the RSS samples of the second half rises by no more than 16 MiB over the whole run's length (1.6 MiB/min in a 10-minute soak)";

    /// <summary>Memory is sampled every 10 s; in a shorter soak every sixtieth of it, at most once a second.</summary>
    public static TimeSpan SampleInterval(TimeSpan duration) => TimeSpan.FromSeconds(Math.Clamp(Math.Round(duration.TotalSeconds / 60), 1, 10));

    /// <summary>
    /// Half the target's measured capacity: the median GET throughput at 64 connections over the
    /// closed-loop runs (or at the most connections measured, when 64 was not), unless a rate is given.
    /// Null when there is neither.
    /// </summary>
    public static (int Rate, string Basis)? RateFor(string target, IEnumerable<Results.ClosedLoopCell> cells, int? given)
    {
        if (given is { } fixedRate)
        {
            return (fixedRate, "--soak-rate");
        }

        var get = cells.Where(c => c.Target == target && c.Method == "GET").ToList();
        if (get.Count == 0)
        {
            return null;
        }

        var connections = get.Any(c => c.Connections == 64) ? 64 : get.Max(c => c.Connections);
        var capacity = BenchmarkRun.Median(get.Where(c => c.Connections == connections).Select(c => c.Wrk.RequestsPerSecond));
        return capacity >= 2 ? ((int)(capacity / 2), $"half of GET c{connections}, median {capacity:N0}/s") : null;
    }

    /// <summary>
    /// Soaks <paramref name="target"/> at <paramref name="rate"/> requests per second (<paramref name="basis"/>
    /// says why) for <paramref name="duration"/>, after <paramref name="warmup"/> at the same rate so the
    /// generator's connections are open.
    /// </summary>
    public static async Task<SoakRow> RunAsync(Target target, int rate, string basis, TimeSpan duration, TimeSpan warmup)
    {
        var gateways = GatewayRuntime.Gateways(target);
        var every = SampleInterval(duration);
        var latency = Enumerable.Range(0, Slices).Select(_ => new LatencyHistogram()).ToArray();
        var errors = new long[Slices];
        var failures = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var samples = new List<SoakSample>();
        using var stop = new CancellationTokenSource();
        // Time and memory samples count from the end of the warm-up, when the measured run begins.
        var begun = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sampler = Task.Run(async () => await SampleAsync(gateways, await begun.Task, every, samples, stop.Token));
        var run = await HttpLoad.OpenLoopAsync(target.Url(target.GetPath), null, rate, duration, warmup, sample =>
        {
            var slice = (int)Math.Min(Slices - 1, sample.Index * Slices / Math.Max(1, sample.Of));
            latency[slice].Record(HttpLoad.Micros(sample.Done - sample.Intended));
            if (sample.Failure is { } failure)
            {
                Interlocked.Increment(ref errors[slice]);
                failures.AddOrUpdate(failure, 1, (_, n) => n + 1);
            }
        }, () => begun.TrySetResult(Stopwatch.GetTimestamp()));
        await stop.CancelAsync();
        await sampler;

        var seconds = duration.TotalSeconds;
        var slices = Enumerable.Range(0, Slices).Select(i =>
        {
            var summary = latency[i].Summary();
            return new SoakSlice(i + 1, seconds * i / Slices, seconds * (i + 1) / Slices, summary.Count, errors[i], summary.P50, summary.P99, summary.Max);
        }).ToList();
        var memory = gateways.Select(g => Memory(g.Role, [.. samples.Where(s => s.Role == g.Role).OrderBy(s => s.Seconds)], seconds)).ToList();
        return new SoakRow(target.Name, rate, basis, seconds, every.TotalSeconds, run.FromIntended.Count, run.Errors,
            failures.OrderByDescending(f => f.Value).ToDictionary(f => f.Key, f => f.Value), run.FromIntended.Summary(), run.PacerLag.Summary(),
            slices, memory, samples);
    }

    /// <summary>Samples every gateway at 0, every, 2·every… and once more when the load has ended.</summary>
    private static async Task SampleAsync(IReadOnlyList<MeasuredProcess> gateways, long start, TimeSpan every, List<SoakSample> samples, CancellationToken stop)
    {
        for (var k = 1; ; k++)
        {
            foreach (var gateway in gateways)
            {
                var rss = gateway.Process.HasExited ? 0 : ProcFs.ResidentBytes(gateway.Process.Id);
                var figures = await GatewayRuntime.ReadAsync(gateway);
                var code = gateway.Process.HasExited ? null : ProcFs.CodeBytes(gateway.Process.Id);
                samples.Add(new SoakSample(Stopwatch.GetElapsedTime(start).TotalSeconds, gateway.Role, rss, figures?.HeapSizeBytes, figures?.CommittedBytes,
                    figures?.AllocatedBytes, figures?.Gen0Collections, figures?.Gen2Collections, figures?.MallocInUseBytes, figures?.MallocFreeBytes, figures?.SqliteBytes, code));
            }

            if (stop.IsCancellationRequested)
            {
                return;
            }

            var next = (every * k) - Stopwatch.GetElapsedTime(start);
            try
            {
                if (next > TimeSpan.Zero)
                {
                    await Task.Delay(next, stop);
                }
            }
            catch (OperationCanceledException)
            {
                // The load has ended: one last sample, then done.
            }
        }
    }

    private static SoakMemory Memory(string role, List<SoakSample> samples, double seconds)
    {
        if (samples.Count == 0)
        {
            return new SoakMemory(role, 0, 0, 0, 0, null, null, null, null, false, "no samples");
        }

        var second = Mean(Window(samples, seconds * 0.1, seconds * 0.2), s => s.RssBytes);
        var last = Mean(Window(samples, seconds * 0.9, double.PositiveInfinity), s => s.RssBytes);
        var secondHalf = samples.Where(s => s.Seconds >= seconds / 2).ToList();
        var rssSlope = Slope(secondHalf, s => s.RssBytes);
        var heaps = secondHalf.Where(s => s.HeapSizeBytes is not null).ToList();
        var heapSlope = Slope(heaps, s => s.HeapSizeBytes!.Value);
        var allowed = Math.Max(AllowedGrowthBytes, AllowedGrowthFraction * second);
        var slopeAllowed = AllowedGrowthBytes / 1048576.0 / (seconds / 60);
        var grewBy = last - second;
        // A gateway that was down for a sample (RSS 0) or whose admin API did not answer is not judged flat.
        var gone = samples.Count(s => s.RssBytes == 0 || s.HeapSizeBytes is null);
        var flat = gone == 0 && grewBy <= allowed && rssSlope is { } s && s <= slopeAllowed;
        var why = $"last tenth {(grewBy >= 0 ? "+" : "−")}{Math.Abs(grewBy) / 1048576.0:0.0} MiB on the second (allowed +{allowed / 1048576.0:0.0}); slope {(rssSlope is { } r ? $"{r:0.00}" : "–")} MiB/min (allowed {slopeAllowed:0.00})"
            + (gone > 0 ? $"; {gone} of {samples.Count} samples found the process gone or not answering" : "");
        return new SoakMemory(role, samples[0].RssBytes, (long)second, (long)last, samples[^1].RssBytes, rssSlope,
            samples.FirstOrDefault(x => x.HeapSizeBytes is not null)?.HeapSizeBytes, samples.LastOrDefault(x => x.HeapSizeBytes is not null)?.HeapSizeBytes, heapSlope, flat, why);
    }

    /// <summary>
    /// Where one gateway's resident memory went over the soak, part by part, each as the mean of the
    /// second and the last tenth and the slope over the second half, from the samples that have it:
    /// the GC's committed memory, glibc's malloc in use (and SQLite's share of it) and held free, the
    /// JIT-compiled code, and the rest of RSS (mapped files, stacks, the runtime's own). malloc counts
    /// bytes handed out, touched or not, so the rest is an estimate; a part that is not reported
    /// (an older gateway, W^X off) is left out and the rest is not computed.
    /// </summary>
    public static IReadOnlyList<SoakMemoryPart> Parts(string role, IReadOnlyList<SoakSample> all, double seconds)
    {
        var samples = all.Where(s => s.Role == role && s.RssBytes > 0).OrderBy(s => s.Seconds).ToList();
        var parts = new List<SoakMemoryPart>();
        Add("RSS", s => s.RssBytes);
        Add("GC committed", s => s.CommittedBytes);
        Add("malloc in use", s => s.MallocInUseBytes);
        Add("of which SQLite", s => s.SqliteBytes);
        Add("malloc free", s => s.MallocFreeBytes);
        Add("JIT code", s => s.CodeBytes);
        Add("the rest", s => s.RssBytes - s.CommittedBytes - s.MallocInUseBytes - s.MallocFreeBytes - s.CodeBytes);
        return parts;

        void Add(string part, Func<SoakSample, long?> value)
        {
            var having = samples.Where(s => value(s) is not null).ToList();
            if (having.Count == 0)
            {
                return;
            }

            long Of(SoakSample s) => value(s)!.Value;
            var secondHalf = having.Where(s => s.Seconds >= seconds / 2).ToList();
            parts.Add(new SoakMemoryPart(role, part, (long)Mean(Window(having, seconds * 0.1, seconds * 0.2), Of),
                (long)Mean(Window(having, seconds * 0.9, double.PositiveInfinity), Of), Slope(secondHalf, Of)));
        }
    }

    /// <summary>The samples in [from, to); when none fall there (few samples), the one nearest its middle.</summary>
    private static List<SoakSample> Window(List<SoakSample> samples, double from, double to)
    {
        var inside = samples.Where(s => s.Seconds >= from && s.Seconds < to).ToList();
        var middle = double.IsPositiveInfinity(to) ? from : (from + to) / 2;
        return inside.Count > 0 ? inside : [samples.MinBy(s => Math.Abs(s.Seconds - middle))!];
    }

    private static double Mean(List<SoakSample> samples, Func<SoakSample, long> value) => samples.Average(s => (double)value(s));

    /// <summary>Least-squares slope in MiB per minute; null with fewer than three samples.</summary>
    private static double? Slope(List<SoakSample> samples, Func<SoakSample, long> value)
    {
        if (samples.Count < 3)
        {
            return null;
        }

        var meanT = samples.Average(s => s.Seconds / 60);
        var meanY = samples.Average(s => value(s) / 1048576.0);
        var covariance = samples.Sum(s => ((s.Seconds / 60) - meanT) * ((value(s) / 1048576.0) - meanY));
        var variance = samples.Sum(s => Math.Pow((s.Seconds / 60) - meanT, 2));
        return variance == 0 ? null : covariance / variance;
    }
}

/// <summary>
/// One soak: the rate and where it came from, what was sent and how it failed, latency from each
/// request's intended send time over the whole run and per tenth, and each gateway's memory.
/// </summary>
internal sealed record SoakRow(string Target, int Rate, string RateBasis, double DurationSeconds, double SampleSeconds, long Sent, long Errors,
    IReadOnlyDictionary<string, long> Failures, LatencySummary FromIntendedUs, LatencySummary PacerLagUs, IReadOnlyList<SoakSlice> Slices,
    IReadOnlyList<SoakMemory> Memory, IReadOnlyList<SoakSample> Samples)
{
    /// <summary>CPU µs per exchange of each process on the target's path, and of the generator ("load-gen").</summary>
    public IReadOnlyDictionary<string, double> CpuMicrosPerExchange { get; init; } = new Dictionary<string, double>();

    /// <summary>VmHWM of each process over the soak.</summary>
    public IReadOnlyDictionary<string, long> PeakRssBytes { get; init; } = new Dictionary<string, long>();
}

/// <summary>One tenth of a soak, by the requests' places in the schedule.</summary>
internal sealed record SoakSlice(int Tenth, double FromSeconds, double ToSeconds, long Sent, long Errors, long P50Us, long P99Us, long MaxUs);

/// <summary>
/// A gateway's memory over a soak: RSS at the first and last sample, the means of the second and
/// last tenths, the least-squares slopes over the second half (RSS and managed heap after the last
/// collection), and whether it stayed flat by <see cref="Soak.FlatRule"/>, with the figures that decided it.
/// </summary>
internal sealed record SoakMemory(string Role, long RssStartBytes, long RssSecondTenthBytes, long RssLastTenthBytes, long RssEndBytes, double? RssSlopeMiBPerMinute,
    long? HeapStartBytes, long? HeapEndBytes, double? HeapSlopeMiBPerMinute, bool Flat, string Why);

/// <summary>One part of a gateway's memory over a soak (<see cref="Soak.Parts"/>).</summary>
internal sealed record SoakMemoryPart(string Role, string Part, long SecondTenthBytes, long LastTenthBytes, double? SlopeMiBPerMinute);

/// <summary>
/// One reading of one gateway, <paramref name="Seconds"/> after the soak began: RSS from
/// <c>/proc</c>; the managed heap, the GC's committed bytes and the native heap (glibc's malloc in
/// use and free, SQLite's share of it) from its admin API; and the resident JIT-compiled code
/// (<see cref="ProcFs.CodeBytes"/>). What is missing (the admin API did not answer, an older
/// gateway) reads as null.
/// </summary>
internal sealed record SoakSample(double Seconds, string Role, long RssBytes, long? HeapSizeBytes, long? CommittedBytes, long? AllocatedBytes, int? Gen0Collections, int? Gen2Collections,
    long? MallocInUseBytes = null, long? MallocFreeBytes = null, long? SqliteBytes = null, long? CodeBytes = null);

using HdrHistogram;

namespace Naqil.LoadHarness.Load;

/// <summary>A thread-safe HdrHistogram of latencies in microseconds (1 µs to 60 s, 3 significant digits).</summary>
internal sealed class LatencyHistogram
{
    private readonly LongHistogram _histogram = new(1, 60_000_000, 3);
    private readonly Lock _lock = new();

    public void Record(long microseconds)
    {
        lock (_lock)
        {
            _histogram.RecordValue(Math.Clamp(microseconds, 1, 60_000_000));
        }
    }

    public long Count
    {
        get
        {
            lock (_lock)
            {
                return _histogram.TotalCount;
            }
        }
    }

    public long Percentile(double percentile)
    {
        lock (_lock)
        {
            return _histogram.TotalCount == 0 ? 0 : _histogram.GetValueAtPercentile(percentile);
        }
    }

    public LatencySummary Summary()
    {
        lock (_lock)
        {
            return _histogram.TotalCount == 0
                ? new LatencySummary(0, 0, 0, 0, 0, 0, 0)
                : new LatencySummary(_histogram.TotalCount, _histogram.GetValueAtPercentile(50), _histogram.GetValueAtPercentile(90),
                    _histogram.GetValueAtPercentile(99), _histogram.GetValueAtPercentile(99.9), _histogram.GetMaxValue(), _histogram.GetMean());
        }
    }

    /// <summary>The full distribution in HdrHistogram's text form (milliseconds), as plotted by the HdrHistogram plotter.</summary>
    public void WriteDistribution(TextWriter writer)
    {
        lock (_lock)
        {
            _histogram.OutputPercentileDistribution(writer, 5, 1000.0, false);
        }
    }
}

/// <summary>Latency percentiles in microseconds.</summary>
internal sealed record LatencySummary(long Count, long P50, long P90, long P99, long P999, long Max, double Mean);

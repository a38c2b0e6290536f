using Naqil.LoadHarness.Load;
using Naqil.LoadHarness.Scale;

namespace Naqil.LoadHarness.Results;

/// <summary>Everything one run measured, as written to <c>latest.json</c>.</summary>
internal sealed record RunResult
{
    public required MachineInfo Machine { get; init; }

    public required RunSettings Settings { get; init; }

    public required IReadOnlyList<TargetInfo> Targets { get; init; }

    public IReadOnlyList<ClosedLoopCell> ClosedLoopCells { get; init; } = [];

    public IReadOnlyList<ClosedLoopSummary> ClosedLoop { get; init; } = [];

    public IReadOnlyList<RatioRow> Ratios { get; init; } = [];

    public IReadOnlyList<OpenLoopRow> OpenLoop { get; init; } = [];

    public IReadOnlyList<SequentialRow> Sequential { get; init; } = [];

    public IReadOnlyList<BodySizeRow> BodySizes { get; init; } = [];

    public IReadOnlyList<FaultRow> Faults { get; init; } = [];

    /// <summary>Event throughput per Naqil target, beside its exchange GET at the same connections.</summary>
    public IReadOnlyList<EventThroughputRow> Events { get; init; } = [];

    public IReadOnlyList<EventLagRow> EventLag { get; init; } = [];

    public IReadOnlyList<EventFaultRow> EventFaults { get; init; } = [];

    /// <summary>The regulator's number lookup per target, beside its exchange GET at the same connections.</summary>
    public IReadOnlyList<LookupRow> Lookup { get; init; } = [];

    /// <summary>Captures per second through each Naqil target, beside its GET exchange (Load/PaymentLoad.cs).</summary>
    public IReadOnlyList<PaymentRow> Payments { get; init; } = [];

    public IReadOnlyList<HostileResult> Hostile { get; init; } = [];

    public IReadOnlyList<TrustScaleRow> TrustScale { get; init; } = [];

    public IReadOnlyList<LogScaleRow> LogScale { get; init; } = [];

    /// <summary>Per Naqil gateway and load: KB allocated and collections per exchange, medians over the runs.</summary>
    public IReadOnlyList<AllocationCell> Allocations { get; init; } = [];

    /// <summary>The same per closed-loop cell, open-loop run and soak, as measured.</summary>
    public IReadOnlyList<AllocationCell> AllocationCells { get; init; } = [];

    public IReadOnlyList<SoakRow> Soak { get; init; } = [];

    public IReadOnlyList<BudgetRow> Budgets { get; init; } = [];

    public IReadOnlyList<string> Notes { get; init; } = [];
}

internal sealed record MachineInfo(string CpuModel, int LogicalCores, long MemoryBytes, string Kernel, string Runtime, string OsDescription, string LoadAverageAtStart, string LoadAverageAtEnd, DateTimeOffset Started, double WallSeconds);

internal sealed record RunSettings(bool Quick, IReadOnlyDictionary<string, string> DotnetEnvironment, string GcMode, string HarnessGc, int Runs, double CellSeconds, double WarmupSeconds,
    IReadOnlyList<int> Connections, int WrkThreads, int PostBytes, int Rate, double OpenLoopSeconds, int SequentialRequests, string NginxWorkers, string Wrk, string Nginx, string Naqil,
    IReadOnlyList<string> Variants)
{
    /// <summary>The event phases' settings, in words; null when none of them ran.</summary>
    public string? Events { get; init; }

    /// <summary>The phases left out with --skip.</summary>
    public IReadOnlyList<string> Skipped { get; init; } = [];
}

/// <summary>A measured target; response sizes are body lengths as the client receives them.</summary>
internal sealed record TargetInfo(string Name, string Description, string GetUrl, string PostUrl, int GetResponseBytes, int PostResponseBytes, IReadOnlyList<string> Processes);

/// <summary>
/// One wrk cell. CPU per process role is user + system time over the cell divided by completed
/// exchanges; peak RSS per role is VmHWM, reset before the cell.
/// </summary>
internal sealed record ClosedLoopCell(int Run, string Target, string Method, int Connections, WrkResult Wrk,
    IReadOnlyDictionary<string, double> CpuMicrosPerExchange, IReadOnlyDictionary<string, long> PeakRssBytes, double LoadGeneratorCpuMicros);

internal sealed record ClosedLoopSummary(string Target, string Method, int Connections, int Runs, double RequestsPerSecond, double MinRequestsPerSecond, double MaxRequestsPerSecond,
    double P50Ms, double P90Ms, double P99Ms, long Errors, IReadOnlyDictionary<string, double> CpuMicrosPerExchange, double CpuMicrosTotal, double LoadGeneratorCpuMicros,
    IReadOnlyDictionary<string, long> PeakRssBytes);

internal sealed record RatioRow(string Target, string Method, int Connections, double? VersusDirect, double? VersusNginx);

internal sealed record OpenLoopRow(string Target, int Rate, long Count, long Errors, LatencySummary FromIntendedUs, LatencySummary ServiceUs, LatencySummary PacerLagUs,
    double? AddedP50Ms, double? AddedP99Ms, IReadOnlyDictionary<string, double> CpuMicrosPerExchange, IReadOnlyDictionary<string, long> PeakRssBytes, string HistogramFile);

internal sealed record SequentialRow(string Target, long Count, long Errors, double RequestsPerSecond, LatencySummary LatencyUs, double? AddedP50Ms,
    IReadOnlyDictionary<string, double> CpuMicrosPerExchange, string HistogramFile);

internal sealed record BodySizeRow(int BodyBytes, string Target, double RequestsPerSecond, double MegabytesPerSecond, double P50Ms, double P99Ms, long Errors, double? VersusDirect,
    IReadOnlyDictionary<string, double> CpuMicrosPerExchange);

internal sealed record BudgetRow(string Budget, string Target, string Measured, string Verdict);

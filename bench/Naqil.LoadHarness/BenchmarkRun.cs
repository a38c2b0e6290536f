using System.Diagnostics;
using System.Reflection;
using Naqil.LoadHarness.Backend;
using Naqil.LoadHarness.Load;
using Naqil.LoadHarness.Processes;
using Naqil.LoadHarness.Results;
using Naqil.LoadHarness.Scale;
using Naqil.LoadHarness.Targets;

namespace Naqil.LoadHarness;

/// <summary>
/// One run: start the backend and every target side by side, drive them in turn with the same load
/// (interleaved, so drift and noise from other work on the machine fall on all targets alike), then
/// the scale measurements, and hand back everything measured.
/// </summary>
internal sealed class BenchmarkRun(HarnessOptions options, string repositoryRoot, Action<string> progress)
{
    private readonly List<string> _notes = [];
    private readonly List<AllocationCell> _allocations = [];

    public async Task<RunResult> ExecuteAsync()
    {
        var started = DateTimeOffset.Now;
        var clock = Stopwatch.StartNew();
        var loadAtStart = File.ReadAllText("/proc/loadavg").Trim();
        var naqil = LocateNaqil();
        if (!options.Skip.Contains("warmup") || !options.Skip.Contains("closed") || !options.Skip.Contains("bodies") || !options.Skip.Contains("lookup"))
        {
            RequireTool(options.Wrk, "--wrk", "wrk");
        }

        if (options.Targets.Contains("nginx"))
        {
            RequireTool(options.Nginx, "--nginx", "nginx");
        }

        var targets = new List<Target>();
        var targetInfos = new List<TargetInfo>();
        var cells = new List<ClosedLoopCell>();
        var openLoop = new List<OpenLoopRow>();
        var sequential = new List<SequentialRow>();
        var bodies = new List<BodySizeRow>();
        var faults = new List<FaultRow>();
        var hostile = new List<HostileResult>();
        var soaks = new List<SoakRow>();
        var events = new List<EventThroughputRow>();
        var eventLag = new List<EventLagRow>();
        var eventFaults = new List<EventFaultRow>();
        var lookups = new List<LookupRow>();
        var paymentRows = new List<PaymentRow>();
        var histograms = Path.Combine(Output, "histograms");
        Directory.CreateDirectory(histograms);

        using (var workspace = new Workspace(options.DotnetEnvironment, options.Keep))
        using (var postgres = await StartPostgresAsync(workspace))
        {
            progress($"temp folder {workspace.Root}");
            var backendUrl = $"http://127.0.0.1:{Workspace.FreePort()}";
            // Events it receives are journalled in the run's folder, so they outlive a SIGKILL of the backend.
            var backend = workspace.StartDotnet("backend", SelfProgram(), ["backend", "--url", backendUrl, "--events-file", Path.Combine(workspace.Folder("backend"), "events.log")]);
            await Workspace.WaitHealthyAsync(backend, $"{backendUrl}/health", TimeSpan.FromSeconds(30));
            var backendProcess = new MeasuredProcess("backend", backend, IsGateway: false);
            if (options.Targets.Contains("direct"))
            {
                targets.Add(new Target
                {
                    Name = "direct",
                    Description = "the sample backend alone (Kestrel: the civil registry and /echo)",
                    BaseUrl = backendUrl,
                    GetPath = Paths.DirectGet,
                    PostPath = Paths.DirectPost,
                    Processes = [backendProcess],
                });
            }

            if (options.Targets.Contains("nginx"))
            {
                progress("starting the nginx pair");
                targets.Add(await NginxPair.StartAsync(workspace, backendProcess, backendUrl, options.Nginx, options.NginxWorkers));
            }

            // The payment service behind every Naqil pair (its ledger on the harness's PostgreSQL), started before their gateways.
            var payments = options.Targets.Contains("naqil") && !options.Skip.Contains("payments") ? await PaymentLoad.StartServiceAsync(workspace, naqil, postgres) : default;
            if (options.Targets.Contains("naqil"))
            {
                var index = 1;
                foreach (var variant in options.Variants.Where(v => !v.UsesHarnessPostgres || postgres is not null))
                {
                    progress($"starting the registry and the gateways of {variant.Name}");
                    var registry = await NaqilPair.StartRegistryAsync(workspace, naqil, $"{variant.Name}-registry");
                    targets.Add(await NaqilPair.StartAsync(workspace, naqil, registry, backendProcess, backendUrl, variant, index++, postgres, payments.Url));
                }
            }

            if (targets.Count == 0)
            {
                throw new HarnessException("no targets: --targets takes direct, nginx, naqil");
            }

            var post = HttpLoad.Body(options.PostBytes);
            using (var http = HttpLoad.Client(4))
            {
                foreach (var target in targets)
                {
                    var getBytes = await HttpLoad.ProbeAsync(http, target.Url(target.GetPath), null);
                    var postBytes = await HttpLoad.ProbeAsync(http, target.Url(target.PostPath), post);
                    targetInfos.Add(new TargetInfo(target.Name, target.Description, target.Url(target.GetPath), target.Url(target.PostPath), getBytes, postBytes,
                        [.. target.Processes.Select(p => p.Role)]));
                }
            }

            var scripts = workspace.Folder("wrk");
            var getScript = Wrk.WriteScript(scripts, "GET", 0, Paths.Headers);
            var postScript = Wrk.WriteScript(scripts, "POST", options.PostBytes, Paths.Headers);

            if (!options.Skip.Contains("warmup"))
            {
                progress("warming up (JIT tiers, connection pools)");
                foreach (var target in targets)
                {
                    await Wrk.RunAsync(options.Wrk, target.Url(target.GetPath), getScript, 64, options.WrkThreads, options.Warmup);
                    await Wrk.RunAsync(options.Wrk, target.Url(target.PostPath), postScript, 16, options.WrkThreads, options.Warmup / 2);
                }
            }

            if (!options.Skip.Contains("closed"))
            {
                for (var run = 1; run <= options.Runs; run++)
                {
                    foreach (var (method, connections) in Scenarios())
                    {
                        // Rotate the order each run so no target always goes first after a pause.
                        foreach (var target in Rotate(targets, run))
                        {
                            progress($"run {run}/{options.Runs}: {method} c{connections} → {target.Name}");
                            var script = method == "GET" ? getScript : postScript;
                            var path = method == "GET" ? target.GetPath : target.PostPath;
                            var (wrk, cpu, peak, generator) = await MeasureAsync(target, () => Wrk.RunAsync(options.Wrk, target.Url(path), script, connections, options.WrkThreads, options.CellDuration),
                                r => r.Requests, inProcessGenerator: false, ("closed", run, $"{method} c{connections}"));
                            cells.Add(new ClosedLoopCell(run, target.Name, method, connections, wrk, cpu, peak, generator));
                            Warn(wrk, target.Name, $"{method} c{connections}");
                        }
                    }
                }
            }

            // Events right after the exchange's closed loop, which their throughput is set beside.
            var eventTargets = targets.Where(t => t.Deployment is not null).ToList();
            if (!options.Skip.Contains("events"))
            {
                foreach (var target in eventTargets)
                {
                    await SettleDiskAsync(postgres);
                    if (!options.Skip.Contains("warmup"))
                    {
                        var warmup = TimeSpan.FromSeconds(Math.Max(3, options.Warmup.TotalSeconds / 3));
                        progress($"events: warming up, c{options.EventConnections} for {warmup.TotalSeconds:0}s → {target.Name}");
                        await EventPhases.WarmUpAsync(target, backendUrl, options.EventConnections, warmup);
                    }

                    progress($"events: publishing on {options.EventConnections} connections for {options.CellDuration.TotalSeconds:0}s, then the backlog drains → {target.Name}");
                    var (row, cpu, _, generator) = await MeasureAsync(target, () => EventPhases.ThroughputAsync(target, backendUrl, options.EventConnections, options.CellDuration),
                        r => r.Accepted, inProcessGenerator: true, ("events", 1, $"publish c{options.EventConnections}"));
                    events.Add(row with { CpuMicrosPerEvent = new Dictionary<string, double>(cpu) { ["load-gen"] = generator } });
                }
            }

            if (!options.Skip.Contains("lookup"))
            {
                foreach (var target in targets)
                {
                    progress($"lookup: GET {LookupLoad.PathOf(target)} beside the exchange, c{options.EventConnections} for {options.CellDuration.TotalSeconds:0}s each → {target.Name}");
                    lookups.Add(await LookupLoad.RunAsync(target, options.Wrk, getScript, options.EventConnections, options.WrkThreads, options.CellDuration));
                }

                lookups = LookupLoad.WithVersusDirect(lookups);
            }

            if (!options.Skip.Contains("event-lag"))
            {
                foreach (var target in eventTargets)
                {
                    progress($"event lag: {options.EventRate}/s events for {options.EventLagDuration.TotalSeconds:0}s → {target.Name}");
                    var lag = await EventPhases.LagAsync(target, backendUrl, options.EventRate, options.EventLagDuration);
                    var file = Path.Combine(histograms, $"event-lag-{target.Name}.hgrm");
                    await using (var writer = new StreamWriter(file))
                    {
                        lag.Histogram!.WriteDistribution(writer);
                    }

                    eventLag.Add(lag with { HistogramFile = Path.GetRelativePath(Output, file) });
                }
            }

            if (payments.Url is not null)
            {
                foreach (var target in eventTargets)
                {
                    progress($"payments: captures on {options.EventConnections} connections for {options.CellDuration.TotalSeconds:0}s beside GET, ledger on {payments.Ledger} → {target.Name}");
                    paymentRows.Add(await PaymentLoad.RunAsync(target, payments.Url, payments.Ledger, options.EventConnections, options.CellDuration, options.Quick ? 3_000 : 8_000, () => SettleDiskAsync(postgres)));
                }
            }

            if (!options.Skip.Contains("soak"))
            {
                foreach (var target in targets.Where(t => GatewayRuntime.Gateways(t).Count > 0 && (options.SoakVariants is null || options.SoakVariants.Contains(t.Name))))
                {
                    if (Soak.RateFor(target.Name, cells, options.SoakRate) is not (var rate, var basis))
                    {
                        _notes.Add($"{target.Name}: no soak, for want of a closed-loop GET throughput to halve (give --soak-rate)");
                        continue;
                    }

                    progress($"soak: {rate:N0}/s GET ({basis}) for {options.SoakDuration.TotalSeconds:0}s → {target.Name}");
                    // CPU and allocations over the warm-up are charged to its exchanges too.
                    var warmup = TimeSpan.FromSeconds(options.Quick ? 1 : 3);
                    var (soak, cpu, peak, generator) = await MeasureAsync(target, () => Soak.RunAsync(target, rate, basis, options.SoakDuration, warmup),
                        r => r.Sent + (long)(rate * warmup.TotalSeconds), inProcessGenerator: true, ("soak", 1, $"GET {rate:N0}/s"));
                    soaks.Add(soak with { CpuMicrosPerExchange = new Dictionary<string, double>(cpu) { ["load-gen"] = generator }, PeakRssBytes = peak });
                }
            }

            if (!options.Skip.Contains("open"))
            {
                foreach (var target in targets)
                {
                    progress($"open loop: {options.Rate}/s GET for {options.OpenLoopDuration.TotalSeconds:0}s → {target.Name}");
                    // The warm-up's CPU and allocations fall inside the measurement: so do its exchanges.
                    var warmup = TimeSpan.FromSeconds(options.Quick ? 1 : 3);
                    var (open, cpu, peak, _) = await MeasureAsync(target,
                        () => HttpLoad.OpenLoopAsync(target.Url(target.GetPath), null, options.Rate, options.OpenLoopDuration, warmup),
                        r => r.FromIntended.Count + (long)(options.Rate * warmup.TotalSeconds), inProcessGenerator: true, ("open", 1, $"GET {options.Rate:N0}/s"));
                    var file = Path.Combine(histograms, $"open-loop-{target.Name}.hgrm");
                    await using (var writer = new StreamWriter(file))
                    {
                        open.FromIntended.WriteDistribution(writer);
                    }

                    openLoop.Add(new OpenLoopRow(target.Name, options.Rate, open.FromIntended.Count, open.Errors, open.FromIntended.Summary(), open.Service.Summary(),
                        open.PacerLag.Summary(), null, null, cpu, peak, Path.GetRelativePath(Output, file)));
                }

                openLoop = AddedLatency(openLoop);
            }

            if (!options.Skip.Contains("sequential"))
            {
                foreach (var target in targets)
                {
                    progress($"sequential: {options.SequentialRequests} GETs on one connection → {target.Name}");
                    // The warm-up's requests fall inside the CPU window: so they count as its exchanges.
                    var warmup = Math.Min(500, options.SequentialRequests / 5);
                    var (one, cpu, _, generator) = await MeasureAsync(target, () => HttpLoad.SequentialAsync(target.Url(target.GetPath), null, options.SequentialRequests, warmup),
                        r => r.Latency.Count + warmup, inProcessGenerator: true, ("sequential", 1, "GET, one connection"));
                    var file = Path.Combine(histograms, $"sequential-{target.Name}.hgrm");
                    await using (var writer = new StreamWriter(file))
                    {
                        one.Latency.WriteDistribution(writer);
                    }

                    sequential.Add(new SequentialRow(target.Name, one.Latency.Count, one.Errors, one.RequestsPerSecond, one.Latency.Summary(), null,
                        new Dictionary<string, double>(cpu) { ["load-gen"] = generator }, Path.GetRelativePath(Output, file)));
                }

                var direct = sequential.FirstOrDefault(r => r.Target == "direct");
                sequential = [.. sequential.Select(r => r with { AddedP50Ms = direct is null ? null : (r.LatencyUs.P50 - direct.LatencyUs.P50) / 1000.0 })];
            }

            if (!options.Skip.Contains("bodies"))
            {
                foreach (var size in options.BodySizes)
                {
                    var script = Wrk.WriteScript(scripts, "POST", size, Paths.Headers);
                    foreach (var target in targets)
                    {
                        progress($"body size {Report.Bytes(size)}: POST c{options.BodyConnections} → {target.Name}");
                        var (wrk, cpu, _, _) = await MeasureAsync(target,
                            () => Wrk.RunAsync(options.Wrk, target.Url(target.PostPath), script, options.BodyConnections, options.WrkThreads, options.BodyCellDuration),
                            r => r.Requests, inProcessGenerator: false);
                        Warn(wrk, target.Name, $"POST {Report.Bytes(size)}");
                        var rps = wrk.RequestsPerSecond;
                        bodies.Add(new BodySizeRow(size, target.Name, rps, rps * size / 1e6, wrk.P50 / 1000.0, wrk.P99 / 1000.0, wrk.Errors, null, cpu));
                    }
                }

                bodies = [.. bodies.Select(b => b with
                {
                    VersusDirect = bodies.FirstOrDefault(d => d.Target == "direct" && d.BodyBytes == b.BodyBytes) is { RequestsPerSecond: > 0 } d ? b.RequestsPerSecond / d.RequestsPerSecond : null,
                })];
            }

            if (!options.Skip.Contains("hostile"))
            {
                foreach (var target in targets.Where(t => t.Faces is not null))
                {
                    hostile.Add(await Hostile.RunAsync(target, progress));
                }
            }

            if (!options.Skip.Contains("event-faults"))
            {
                var (before, down, after) = options.EventFaultTimes;
                foreach (var target in eventTargets)
                {
                    foreach (var fault in EventFaults.For(target, backendUrl))
                    {
                        progress($"event fault: {fault.Description} ({down} s), one publisher at {options.EventFaultRate}/s → {target.Name}");
                        var row = await EventFaults.RunAsync(target, backendUrl, fault, options.EventFaultRate, TimeSpan.FromSeconds(before), TimeSpan.FromSeconds(down),
                            TimeSpan.FromSeconds(after), options.EventDrainBound);
                        progress($"  {row.Accepted} accepted, {row.Arrived} arrived, {row.Lost} lost, {row.Duplicated} duplicated ({row.DuplicatedAtSubscriberKill} at the subscriber's gateway's kill), {row.OutOfOrder} out of order, {row.DeadLetters} dead letters; recovery {(row.RecoverySeconds is { } r ? $"{r:0.0} s" : "never")}");
                        eventFaults.Add(row);
                    }
                }
            }

            if (!options.Skip.Contains("faults"))
            {
                // Last of the load phases: a kill leaves fresh processes (cold JIT) behind it.
                foreach (var target in targets.Where(t => t.Name is not "direct" and not "nginx-pair"))
                {
                    var logs = target.Deployment is { } deployment
                        ? new FaultLogCheck(deployment, workspace.Folder("fault-logs"), options.DotnetEnvironment, options.Keep)
                        : null;
                    foreach (var victim in Faults.VictimsOf(target))
                    {
                        progress($"fault: SIGKILL {victim.Role} of {target.Name} under {options.FaultRate}/s, restart after {options.FaultTimes.Down} s");
                        faults.Add(await Faults.RunAsync(target, victim, options.FaultRate, TimeSpan.FromSeconds(options.FaultTimes.Before),
                            TimeSpan.FromSeconds(options.FaultTimes.Down), TimeSpan.FromSeconds(options.FaultTimes.After), logs));
                    }
                }
            }

            foreach (var target in targets)
            {
                foreach (var process in target.Processes.Where(p => p.Process.HasExited))
                {
                    _notes.Add($"{target.Name}: {process.Role} exited during the run; see its log {process.Process.LogFile}");
                }
            }
        }

        var trust = options.Skip.Contains("trust") ? [] : await TrustScale.RunAsync(options.TrustSizes, progress);
        var log = options.Skip.Contains("log") ? [] : LogScale.Run(options.LogSizes, progress);
        var summaries = Summarise(cells);
        var result = new RunResult
        {
            Machine = Machine.Describe(started, loadAtStart, clock.Elapsed.TotalSeconds),
            Settings = Settings(naqil),
            Targets = targetInfos,
            ClosedLoopCells = cells,
            ClosedLoop = summaries,
            Ratios = Ratios(summaries),
            OpenLoop = openLoop,
            Sequential = sequential,
            BodySizes = bodies,
            Faults = faults,
            Events = [.. events.Select(e => WithExchange(e, summaries))],
            EventLag = eventLag,
            Payments = paymentRows,
            EventFaults = eventFaults,
            Lookup = lookups,
            Hostile = hostile,
            TrustScale = trust,
            LogScale = log,
            AllocationCells = _allocations,
            Allocations = GatewayRuntime.Summarise(_allocations),
            Soak = soaks,
            Notes = _notes,
        };
        return result with { Budgets = Budgets.Evaluate(result) };
    }

    public string Output => options.Output ?? Path.Combine(repositoryRoot, "bench", "results");

    /// <summary>
    /// The harness's own PostgreSQL server, when a Naqil variant logs to PostgreSQL without a
    /// connection string; null when none does, or when PostgreSQL is not installed and the
    /// variants were the defaults (then the run says so and measures SQLite only).
    /// </summary>
    private async Task<PostgresServer?> StartPostgresAsync(Workspace workspace)
    {
        var wanting = options.Variants.Where(v => v.UsesHarnessPostgres).Select(v => v.Name).ToList();
        if (wanting.Count == 0 || !options.Targets.Contains("naqil"))
        {
            return null;
        }

        if (PostgresServer.FindBinaries() is not { } binaries)
        {
            var missing = "PostgreSQL's programs were not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)";
            if (options.VariantsGiven)
            {
                throw new HarnessException($"{string.Join(", ", wanting)}: {missing}; or give MessageLog:ConnectionString of a server of your own");
            }

            _notes.Add($"{missing}: {string.Join(", ", wanting)} not measured, the durable log on SQLite only");
            progress(_notes[^1]);
            return null;
        }

        progress($"starting PostgreSQL ({binaries})");
        var server = await PostgresServer.StartAsync(workspace, binaries, options.Keep);
        _notes.Add($"{string.Join(", ", wanting)}: {server.Version} run by the harness (initdb, then postgres in the foreground on 127.0.0.1:{server.Port}, its own defaults: fsync and synchronous_commit on); each gateway logs to a database of its own");
        progress($"{server.Version} on 127.0.0.1:{server.Port}, data in {server.Folder}");
        return server;
    }

    /// <summary>
    /// Lets the disk settle after the closed loop: the PostgreSQL server's deferred writes (a
    /// CHECKPOINT) and the page cache's dirty pages (sync) go out now, not into the next window,
    /// where they slowed every fsync of the event outbox: on a busy 2-core host, 185–327 events/s
    /// at c64 right after the closed loop of both variants, 671/s after that of SQLite alone,
    /// 1,028/s with no closed loop before it.
    /// </summary>
    private async Task SettleDiskAsync(PostgresServer? postgres)
    {
        if (postgres is not null)
        {
            await postgres.CheckpointAsync();
        }

        using (var sync = Process.Start("sync"))
        {
            await sync.WaitForExitAsync();
        }

        await Task.Delay(TimeSpan.FromSeconds(2));
        progress("events: the disk settled (CHECKPOINT, sync)");
    }

    /// <summary>The event throughput set beside the exchange's GET at the same connections, of the same target and run.</summary>
    private static EventThroughputRow WithExchange(EventThroughputRow row, List<ClosedLoopSummary> summaries) =>
        summaries.FirstOrDefault(s => s.Target == row.Target && s.Method == "GET" && s.Connections == row.Connections) is { RequestsPerSecond: > 0 } get
            ? row with { ExchangeGetPerSecond = get.RequestsPerSecond, RatioToExchange = row.DeliveredPerSecond / get.RequestsPerSecond }
            : row;

    private IEnumerable<(string Method, int Connections)> Scenarios() =>
        from method in new[] { "GET", "POST" } from connections in options.Connections select (method, connections);

    private static IEnumerable<Target> Rotate(List<Target> targets, int run) =>
        targets.Skip((run - 1) % targets.Count).Concat(targets.Take((run - 1) % targets.Count));

    /// <summary>
    /// Runs <paramref name="load"/> with CPU and peak memory of every process on the target's path
    /// measured around it; CPU is charged per completed exchange. With <paramref name="runtime"/>, each
    /// Naqil gateway's allocations and collections are read around it too (its admin API) and kept.
    /// </summary>
    private async Task<(T Result, Dictionary<string, double> Cpu, Dictionary<string, long> Peak, double Generator)> MeasureAsync<T>(
        Target target, Func<Task<T>> load, Func<T, long> exchanges, bool inProcessGenerator, (string Phase, int Run, string Load)? runtime = null)
    {
        // Read outside the CPU window, so the admin API's own work is not charged to the exchanges.
        var runtimeBefore = runtime is null ? null : await GatewayRuntime.ReadAllAsync(target);
        foreach (var process in target.Processes)
        {
            ProcFs.ResetPeak(process.Process.Id);
        }

        var charged = Charged(target);
        var before = charged.ToDictionary(p => p.Role, p => ProcFs.CpuSeconds(p.Process.Id));
        var generatorBefore = inProcessGenerator ? ProcFs.OwnCpuSeconds() : ProcFs.ReapedChildrenCpuSeconds();
        var result = await load();
        var generatorAfter = inProcessGenerator ? ProcFs.OwnCpuSeconds() : ProcFs.ReapedChildrenCpuSeconds();
        var count = Math.Max(1, exchanges(result));
        var cpu = charged.ToDictionary(p => p.Role, p => (ProcFs.CpuSeconds(p.Process.Id) - before[p.Role]) * 1e6 / count);
        var peak = target.Processes.ToDictionary(p => p.Role, p => ProcFs.PeakResidentBytes(p.Process.Id));
        if (runtime is (var phase, var run, var label) && runtimeBefore is not null)
        {
            _allocations.AddRange(GatewayRuntime.Cells(phase, run, target.Name, label, count, runtimeBefore, await GatewayRuntime.ReadAllAsync(target)));
        }

        return (result, cpu, peak, (generatorAfter - generatorBefore) * 1e6 / count);
    }

    /// <summary>
    /// The processes whose CPU a load is charged: the target's own, and for a Naqil variant whose
    /// log is on the harness's PostgreSQL server, that server (the postmaster and every process
    /// under it: the gateways' connections are pooled, so their backends live through a cell). No
    /// other target uses the server while a cell runs.
    /// </summary>
    private static List<(string Role, ChildProcess Process)> Charged(Target target)
    {
        var charged = target.Processes.Select(p => (p.Role, p.Process)).ToList();
        if (target.Deployment?.Postgres is { } postgres)
        {
            charged.Add(("postgres", postgres.Process));
        }

        return charged;
    }

    private void Warn(WrkResult wrk, string target, string what)
    {
        if (wrk.Errors > 0)
        {
            _notes.Add($"{target} {what}: wrk counted {wrk.Errors} errors (connect {wrk.ConnectErrors}, read {wrk.ReadErrors}, write {wrk.WriteErrors}, status {wrk.StatusErrors}, timeout {wrk.Timeouts}) of {wrk.Requests} requests");
        }
    }

    private static List<OpenLoopRow> AddedLatency(List<OpenLoopRow> rows)
    {
        var direct = rows.FirstOrDefault(r => r.Target == "direct");
        return [.. rows.Select(r => r with
        {
            AddedP50Ms = direct is null ? null : (r.FromIntendedUs.P50 - direct.FromIntendedUs.P50) / 1000.0,
            AddedP99Ms = direct is null ? null : (r.FromIntendedUs.P99 - direct.FromIntendedUs.P99) / 1000.0,
        })];
    }

    private static List<ClosedLoopSummary> Summarise(List<ClosedLoopCell> cells) =>
        [.. cells.GroupBy(c => (c.Target, c.Method, c.Connections)).Select(g =>
        {
            var roles = g.First().CpuMicrosPerExchange.Keys;
            var cpu = roles.ToDictionary(r => r, r => Median(g.Select(c => c.CpuMicrosPerExchange[r])));
            return new ClosedLoopSummary(g.Key.Target, g.Key.Method, g.Key.Connections, g.Count(),
                Median(g.Select(c => c.Wrk.RequestsPerSecond)), g.Min(c => c.Wrk.RequestsPerSecond), g.Max(c => c.Wrk.RequestsPerSecond),
                Median(g.Select(c => (double)c.Wrk.P50)) / 1000, Median(g.Select(c => (double)c.Wrk.P90)) / 1000, Median(g.Select(c => (double)c.Wrk.P99)) / 1000,
                g.Sum(c => c.Wrk.Errors), cpu, cpu.Values.Sum(), Median(g.Select(c => c.LoadGeneratorCpuMicros)),
                g.First().PeakRssBytes.Keys.ToDictionary(r => r, r => g.Max(c => c.PeakRssBytes[r])));
        })];

    private static List<RatioRow> Ratios(List<ClosedLoopSummary> summaries) =>
        [.. summaries.Where(s => s.Target is not "direct" and not "nginx-pair").Select(s =>
        {
            var direct = summaries.FirstOrDefault(d => d.Target == "direct" && d.Method == s.Method && d.Connections == s.Connections);
            var nginx = summaries.FirstOrDefault(d => d.Target == "nginx-pair" && d.Method == s.Method && d.Connections == s.Connections);
            return new RatioRow(s.Target, s.Method, s.Connections, direct is { RequestsPerSecond: > 0 } ? s.RequestsPerSecond / direct.RequestsPerSecond : null,
                nginx is { RequestsPerSecond: > 0 } ? s.RequestsPerSecond / nginx.RequestsPerSecond : null);
        })];

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private RunSettings Settings(string naqil) => new(options.Quick, options.DotnetEnvironment,
        options.DotnetEnvironment.TryGetValue("DOTNET_gcServer", out var server) && server == "1" ? "server" : "workstation (concurrent)",
        System.Runtime.GCSettings.IsServerGC ? "server" : "workstation", options.Runs, options.CellDuration.TotalSeconds, options.Warmup.TotalSeconds,
        options.Connections, options.WrkThreads, options.PostBytes, options.Rate, options.OpenLoopDuration.TotalSeconds, options.SequentialRequests, options.NginxWorkers,
        options.Wrk, options.Nginx, Path.GetRelativePath(repositoryRoot, naqil),
        [.. options.Variants.Select(v => v.Settings.Count == 0 ? v.Name : $"{v.Name}: {string.Join("; ", v.Settings.Select(s => $"Gateway:{s.Key}={s.Value}"))}")])
    {
        Events = new[] { "events", "event-lag", "event-faults" }.All(options.Skip.Contains) ? null
            : $"throughput c{options.EventConnections} × {options.CellDuration.TotalSeconds:0} s; lag at {options.EventRate}/s for {options.EventLagDuration.TotalSeconds:0} s; faults at {options.EventFaultRate}/s, {options.EventFaultTimes.Before} s before, {options.EventFaultTimes.Down} s down, {options.EventFaultTimes.After} s after, drain ≤ {options.EventDrainBound.TotalSeconds:0} s; retries 0.5 s doubling to 2 s (Gateway:Events)",
        Skipped = [.. options.Skip.Order(StringComparer.Ordinal)],
    };

    /// <summary>The naqil build next to this harness (same configuration), or --naqil.</summary>
    private string LocateNaqil()
    {
        if (options.Naqil is { } given)
        {
            return File.Exists(given) ? Path.GetFullPath(given) : throw new HarnessException($"--naqil {given}: no such file");
        }

        // bench/Naqil.LoadHarness/bin/<Configuration>/net10.0/ → src/Naqil.Cli/bin/<Configuration>/net10.0/
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Release";
        var folder = Path.Combine(repositoryRoot, "src", "Naqil.Cli", "bin", configuration, "net10.0");
        foreach (var candidate in new[] { Path.Combine(folder, "naqil"), Path.Combine(folder, "naqil.dll") })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new HarnessException($"no naqil build in {folder}; build it with `dotnet build -c {configuration} src/Naqil.Cli` or pass --naqil PATH");
    }

    /// <summary>Refuses to start, before any process is, when a tool the run needs is neither a file nor on PATH.</summary>
    private static void RequireTool(string tool, string option, string package)
    {
        var isPath = tool.Contains('/');
        var found = isPath
            ? File.Exists(tool)
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Any(folder => File.Exists(Path.Combine(folder, tool)));
        if (!found)
        {
            throw new HarnessException($"{tool} not found{(isPath ? "" : " on PATH")}: install it (Debian: apt-get install {package}) or pass {option} PATH");
        }
    }

    /// <summary>This harness as a program to start again in the backend role.</summary>
    private static string SelfProgram()
    {
        var path = Environment.ProcessPath ?? "dotnet";
        return Path.GetFileNameWithoutExtension(path) == "dotnet" ? Assembly.GetEntryAssembly()!.Location : path;
    }

    public static Task<int> RunBackendAsync(string[] args)
    {
        var url = args.SkipWhile(a => a != "--url").Skip(1).FirstOrDefault() ?? throw new HarnessException("backend needs --url http://127.0.0.1:PORT");
        var eventsFile = args.SkipWhile(a => a != "--events-file").Skip(1).FirstOrDefault();
        return BackendHost.RunAsync(url, 16 << 20, eventsFile);
    }
}

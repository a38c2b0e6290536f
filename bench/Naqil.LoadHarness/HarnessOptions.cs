using System.Globalization;
using Naqil.LoadHarness.Targets;

namespace Naqil.LoadHarness;

/// <summary>What one run measures and how; every value is written into the results.</summary>
internal sealed record HarnessOptions
{
    public bool Quick { get; init; }

    public IReadOnlyList<string> Targets { get; init; } = ["direct", "nginx", "naqil"];

    /// <summary>
    /// Naqil configurations to measure: by default the durable log on SQLite, and on PostgreSQL
    /// (a server of the harness's own) when PostgreSQL's programs are installed.
    /// </summary>
    public IReadOnlyList<NaqilVariant> Variants { get; init; } = [new("naqil", []), NaqilVariant.Postgres];

    /// <summary>True when --naqil-variant chose the variants: one that cannot run then stops the run instead of being left out.</summary>
    public bool VariantsGiven { get; init; }

    public int Runs { get; init; } = 3;

    public TimeSpan CellDuration { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// Load per target before measuring (GET, then half as long POST). On two busy cores tiered
    /// compilation and dynamic PGO keep re-jitting the gateways for tens of seconds; a profile of a
    /// cell measured after a 6-second warm-up showed a fifth of the gateways' CPU in the JIT.
    /// </summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(15);

    public IReadOnlyList<int> Connections { get; init; } = [16, 64];

    public int WrkThreads { get; init; } = 2;

    public int PostBytes { get; init; } = 2048;

    public int Rate { get; init; } = 1000;

    public TimeSpan OpenLoopDuration { get; init; } = TimeSpan.FromSeconds(15);

    public int SequentialRequests { get; init; } = 5000;

    public IReadOnlyList<int> BodySizes { get; init; } = [1 << 10, 16 << 10, 256 << 10, 1 << 20, 8 << 20];

    public TimeSpan BodyCellDuration { get; init; } = TimeSpan.FromSeconds(4);

    public int BodyConnections { get; init; } = 16;

    /// <summary>Open-loop rate while a process is killed and restarted; low enough not to saturate the target.</summary>
    public int FaultRate { get; init; } = 200;

    /// <summary>Seconds of load before the kill, with the process down, and after the restart.</summary>
    public (int Before, int Down, int After) FaultTimes { get; init; } = (4, 4, 8);

    /// <summary>Connections publishing events in the throughput phase: those of the exchange cell it is set beside (GET c64).</summary>
    public int EventConnections { get; init; } = 64;

    /// <summary>The steady rate of events whose lag is measured, and for how long.</summary>
    public int EventRate { get; init; } = 200;

    public TimeSpan EventLagDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The rate of the one sequential publisher while processes on the events' path are killed and restarted.</summary>
    public int EventFaultRate { get; init; } = 100;

    /// <summary>Seconds of publishing before each kill, with the process down, and after the restart.</summary>
    public (int Before, int Down, int After) EventFaultTimes { get; init; } = (3, 4, 4);

    /// <summary>How long a fault's backlog may take to drain once the publisher stops, before the check is made anyway.</summary>
    public TimeSpan EventDrainBound { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long each Naqil variant is soaked at half its measured capacity.</summary>
    public TimeSpan SoakDuration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>A fixed soak rate instead of half the measured capacity.</summary>
    public int? SoakRate { get; init; }

    /// <summary>The Naqil variants to soak; null for all of them.</summary>
    public IReadOnlySet<string>? SoakVariants { get; init; }

    public IReadOnlyList<int> TrustSizes { get; init; } = [10, 100, 1_000, 10_000];

    public IReadOnlyList<int> LogSizes { get; init; } = [1_000, 10_000, 100_000, 1_000_000];

    public HashSet<string> Skip { get; init; } = new(StringComparer.Ordinal);

    public string NginxWorkers { get; init; } = "auto";

    /// <summary>Runtime settings given to every .NET process started (gateways, registry, backend).</summary>
    public IReadOnlyDictionary<string, string> DotnetEnvironment { get; init; } = DefaultEnvironment;

    public static readonly IReadOnlyDictionary<string, string> DefaultEnvironment = new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        // Workstation GC (the naqil csproj's own choice, stated here so the run says it). Thread-pool
        // spinning stays at the runtime's default: turning it off (UnfairSemaphoreSpinLimit=0) made
        // no difference to throughput in A/B runs and cost 0.15-0.2 ms of sequential latency
        // (docs/performance.md).
        ["DOTNET_gcServer"] = "0",
    };

    public string? Naqil { get; init; }

    public string Wrk { get; init; } = "wrk";

    public string Nginx { get; init; } = "nginx";

    public string? Output { get; init; }

    public bool Keep { get; init; }

    public TimeSpan Deadline { get; init; } = TimeSpan.FromMinutes(30);

    public const string Usage = """
        naqil-load — the load harness: the sample backend alone, behind an nginx mutual-TLS pair, and
        behind a Naqil consumer and provider gateway, driven with the same load; writes
        bench/results/latest.md and latest.json.

          dotnet run -c Release --project bench/Naqil.LoadHarness -- [options]

          --quick                  a 2-minute smoke run (1 run, short cells, small sweeps)
          --targets LIST           direct,nginx,naqil (default: all)
          --naqil-variant SPEC     NAME[:KEY=VALUE;KEY=VALUE], extra Gateway settings; repeat for
                                   several (default: 'naqil', the durable log on SQLite, and
                                   'naqil-postgres:MessageLog:Storage=postgresql' when PostgreSQL is
                                   installed under /usr/lib/postgresql). %VAR% in a value expands;
                                   {data} is the gateway's data folder, {gateway} its code
                                   (gw1c, gw1p, gw2c...). Storage=postgresql without
                                   a ConnectionString: the harness runs PostgreSQL itself and gives
                                   each gateway a database of its own
          --runs N                 closed-loop runs per cell, interleaved across targets (default 3)
          --duration S             seconds per wrk cell (default 8)
          --warmup S               seconds of GET load (then S/2 of POST) per target before measuring (default 15)
          --connections LIST       wrk connections (default 16,64)
          --rate N                 open-loop exchanges per second (default 1000)
          --open-loop S            seconds of open-loop load per target (default 15)
          --sequential N           requests on one connection per target (default 5000)
          --body-sizes LIST        POST body sizes for the sweep, with K/M suffixes (default 1K,16K,256K,1M,8M)
          --body-duration S        seconds per body-size cell (default 4)
          --trust-sizes LIST       trust configuration member counts (default 10,100,1000,10000)
          --log-sizes LIST         message log sizes (default 1000,10000,100000,1000000)
          --skip LIST              any of: warmup,closed,soak,open,sequential,bodies,hostile,faults,
                                   trust,log,events,event-lag,event-faults,lookup,payments (wrk is needed
                                   only for warmup, closed, bodies and lookup; nginx only for the nginx target)
          --soak S                 seconds of soak per Naqil variant at half its GET c64 throughput (default 600; 20 with --quick)
          --soak-rate N            soak at N exchanges/s instead of half the measured throughput
          --soak-variants LIST     the Naqil variants to soak (default: every variant)
          --fault-rate N           open-loop rate while processes are killed and restarted (default 200)
          --event-connections N    connections publishing events in the throughput phase (default 64),
                                   for as long as a closed-loop cell (--duration)
          --event-rate N           steady events/s whose delivery lag is measured (default 200)
          --event-lag S            seconds of it (default 15)
          --event-fault-rate N     events/s of the sequential publisher in the event-fault phase (default 100)
          --event-fault-times B,D,A  seconds before each kill, down, after the restart (default 3,4,4)
          --event-drain S          the longest wait for a fault's backlog to drain (default 60)
          --nginx-workers N|auto   worker_processes of each nginx (default auto)
          --env KEY=VALUE          a runtime setting for every .NET process (repeatable)
          --no-default-env         drop the default runtime setting (DOTNET_gcServer=0)
          --naqil PATH             the naqil executable or naqil.dll (default: src/Naqil.Cli's build output)
          --wrk PATH, --nginx PATH the tools (default: from PATH; Debian: apt-get install nginx wrk)
          --output DIR             where latest.md/json go (default: bench/results of the repository)
          --keep                   keep the temp folder (configs, certificates, process logs)
        """;

    public static HarnessOptions Parse(string[] args)
    {
        var options = args.Contains("--quick") ? QuickDefaults() : new HarnessOptions();
        var environment = new SortedDictionary<string, string>(args.Contains("--no-default-env") ? new Dictionary<string, string>() : new Dictionary<string, string>(DefaultEnvironment), StringComparer.Ordinal);
        var variants = new List<NaqilVariant>();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new HarnessException($"{name} needs a value; see --help");
            options = name switch
            {
                "--quick" or "--no-default-env" => options,
                "--targets" => options with { Targets = List(Value()) },
                "--naqil-variant" => Add(options, variants, Value()),
                "--runs" => options with { Runs = Int(name, Value()) },
                "--duration" => options with { CellDuration = TimeSpan.FromSeconds(Int(name, Value())) },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(Int(name, Value())) },
                "--connections" => options with { Connections = [.. List(Value()).Select(v => Int(name, v))] },
                "--soak" => options with { SoakDuration = TimeSpan.FromSeconds(Int(name, Value())) },
                "--soak-rate" => options with { SoakRate = Int(name, Value()) },
                "--soak-variants" => options with { SoakVariants = new HashSet<string>(List(Value()), StringComparer.Ordinal) },
                "--fault-rate" => options with { FaultRate = Int(name, Value()) },
                "--event-connections" => options with { EventConnections = Int(name, Value()) },
                "--event-rate" => options with { EventRate = Int(name, Value()) },
                "--event-lag" => options with { EventLagDuration = TimeSpan.FromSeconds(Int(name, Value())) },
                "--event-fault-rate" => options with { EventFaultRate = Int(name, Value()) },
                "--event-fault-times" => options with { EventFaultTimes = Times(name, Value()) },
                "--event-drain" => options with { EventDrainBound = TimeSpan.FromSeconds(Int(name, Value())) },
                "--rate" => options with { Rate = Int(name, Value()) },
                "--open-loop" => options with { OpenLoopDuration = TimeSpan.FromSeconds(Int(name, Value())) },
                "--sequential" => options with { SequentialRequests = Int(name, Value()) },
                "--body-duration" => options with { BodyCellDuration = TimeSpan.FromSeconds(Int(name, Value())) },
                "--body-sizes" => options with { BodySizes = [.. List(Value()).Select(v => Size(name, v))] },
                "--trust-sizes" => options with { TrustSizes = [.. List(Value()).Select(v => Int(name, v))] },
                "--log-sizes" => options with { LogSizes = [.. List(Value()).Select(v => Int(name, v))] },
                "--skip" => options with { Skip = new HashSet<string>(List(Value()), StringComparer.Ordinal) },
                "--nginx-workers" => options with { NginxWorkers = Value() },
                "--env" => Env(options, environment, Value()),
                "--naqil" => options with { Naqil = Value() },
                "--wrk" => options with { Wrk = Value() },
                "--nginx" => options with { Nginx = Value() },
                "--output" => options with { Output = Value() },
                "--keep" => options with { Keep = true },
                _ => throw new HarnessException($"unknown option '{name}'; see --help"),
            };
        }

        var given = variants.Count > 0;
        variants = given ? variants : [.. options.Variants];
        // The soak comes on top of everything else: the run's deadline moves with it.
        var soaked = options.SoakVariants is { } only ? variants.Count(v => only.Contains(v.Name)) : variants.Count;
        var soak = options.Skip.Contains("soak") ? TimeSpan.Zero : (options.SoakDuration + TimeSpan.FromMinutes(1)) * soaked;
        // So do the event phases, with room for their backlogs to drain.
        var events = (options.Skip.Contains("events") ? TimeSpan.Zero : (options.CellDuration * 21) + options.Warmup)
            + (options.Skip.Contains("event-lag") ? TimeSpan.Zero : options.EventLagDuration + TimeSpan.FromMinutes(1))
            + (options.Skip.Contains("event-faults") ? TimeSpan.Zero
                : 3 * (TimeSpan.FromSeconds(options.EventFaultTimes.Before + (2 * options.EventFaultTimes.Down) + options.EventFaultTimes.After) + options.EventDrainBound));
        // And the payment phase: preparing its pool, two warm-ups and three cells per variant.
        var payments = options.Skip.Contains("payments") ? TimeSpan.Zero : (options.CellDuration * 5) + TimeSpan.FromMinutes(2);
        return options with { DotnetEnvironment = environment, Variants = variants, VariantsGiven = given, Deadline = options.Deadline + soak + ((events + payments) * variants.Count) };
    }

    private static HarnessOptions QuickDefaults() => new()
    {
        Quick = true,
        Runs = 1,
        CellDuration = TimeSpan.FromSeconds(3),
        Warmup = TimeSpan.FromSeconds(5),
        OpenLoopDuration = TimeSpan.FromSeconds(4),
        SequentialRequests = 1000,
        BodySizes = [1 << 10, 1 << 20],
        BodyCellDuration = TimeSpan.FromSeconds(2),
        SoakDuration = TimeSpan.FromSeconds(20),
        FaultRate = 100,
        FaultTimes = (2, 2, 3),
        EventLagDuration = TimeSpan.FromSeconds(5),
        EventFaultTimes = (2, 2, 3),
        TrustSizes = [10, 1_000],
        LogSizes = [1_000, 100_000],
    };

    private static HarnessOptions Add(HarnessOptions options, List<NaqilVariant> variants, string spec)
    {
        variants.Add(NaqilVariant.Parse(spec));
        return options;
    }

    private static HarnessOptions Env(HarnessOptions options, SortedDictionary<string, string> environment, string pair)
    {
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new HarnessException($"--env '{pair}' is not KEY=VALUE");
        }

        environment[pair[..equals]] = pair[(equals + 1)..];
        return options;
    }

    private static (int, int, int) Times(string option, string value) =>
        List(value) is [var before, var down, var after]
            ? (Int(option, before), Int(option, down), Int(option, after))
            : throw new HarnessException($"{option}: '{value}' is not three whole numbers of seconds, before,down,after (e.g. 3,4,4)");

    private static string[] List(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static int Int(string option, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new HarnessException($"{option}: '{value}' is not a positive whole number");

    private static int Size(string option, string value)
    {
        var multiplier = value[^1] switch { 'K' or 'k' => 1 << 10, 'M' or 'm' => 1 << 20, _ => 1 };
        var digits = multiplier == 1 ? value : value[..^1];
        return checked(Int(option, digits) * multiplier);
    }
}

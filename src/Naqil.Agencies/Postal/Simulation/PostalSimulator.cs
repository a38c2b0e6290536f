using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Naqil.Agencies.Postal.Simulation;

/// <summary>One step the simulator took: the event it recorded.</summary>
internal sealed record SimulatedStep(string ItemId, EmsEventCode Code, string Office, DateTimeOffset Time);

/// <summary>
/// Keeps a sandbox post moving. Each tick moves the items that waited longest one step through the
/// post's own API rules (<see cref="PostalService"/>): at the origin EMA → EMB → EMC at an office
/// of exchange (EMC is then published), at the destination an item that arrived from abroad
/// EMD → (EME, sometimes) → EMF → EMG → (EMH, sometimes) → EMI; and now and then it posts a new
/// item for the partner country. Every event is timed at the post's clock, in its local offset, and
/// an item whose last event is later than that waits, so times only move forward.
/// </summary>
internal sealed class PostalSimulator(PostalService postal, PostalSimulatorOptions options, TimeProvider time, ILogger<PostalSimulator> logger) : BackgroundService
{
    private static readonly Dictionary<string, EmsEventCode> LastByStatus = EmsEvents.All.ToDictionary(e => e.Status, e => e.Code);

    private readonly Random _random = options.RandomSeed is { } seed ? new Random(seed) : new Random();
    private long _ticks;

    private Post Post => postal.Post;

    /// <summary>Ticks at once (the sandbox moves as soon as it is up), then every <see cref="PostalSimulatorOptions.Interval"/>.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Interval, time);
        do
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // A store that is down now may be back at the next tick; the sandbox goes on.
                Log.SimulatorTickFailed(logger, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One tick: up to <see cref="PostalSimulatorOptions.StepsPerTick"/> items move one step, and maybe a new item is posted.</summary>
    public async Task<IReadOnlyList<SimulatedStep>> TickAsync(CancellationToken cancellationToken)
    {
        var tick = ++_ticks;
        var now = time.GetUtcNow().ToOffset(Post.UtcOffset);
        var waiting = new List<ItemSummary>();
        foreach (var (status, code) in LastByStatus)
        {
            if (NextSteps(code).Length > 0)
            {
                var items = await postal.ListAsync(null, status, 200, cancellationToken);
                waiting.AddRange(items.Where(i => IsOurs(i, code) && i.Time <= now));
            }
        }

        var steps = new List<SimulatedStep>();
        foreach (var item in waiting.OrderBy(i => i.Time).ThenBy(i => i.ItemId, StringComparer.Ordinal).Take(options.StepsPerTick))
        {
            if (await StepAsync(item, LastByStatus[item.Status], now, cancellationToken) is { } step)
            {
                steps.Add(step);
            }
        }

        if (options.NewItemEveryTicks > 0 && tick % options.NewItemEveryTicks == 0 && await PostNewItemAsync(now, cancellationToken) is { } posted)
        {
            steps.Add(posted);
        }

        return steps;
    }

    /// <summary>The origin's side of an item posted here, or the destination's side of one that came from abroad (its EMC received, or further).</summary>
    private bool IsOurs(ItemSummary item, EmsEventCode last) => EmsEvents.Info(last).Side == EventSide.Origin && last != EmsEventCode.EMC
        ? item.Origin == Post.Country
        : item.Destination == Post.Country;

    private static EmsEventCode[] NextSteps(EmsEventCode last) => last switch
    {
        EmsEventCode.EMA => [EmsEventCode.EMB],
        EmsEventCode.EMB => [EmsEventCode.EMC],
        EmsEventCode.EMC => [EmsEventCode.EMD],
        EmsEventCode.EMD => [EmsEventCode.EME, EmsEventCode.EMF],
        EmsEventCode.EME => [EmsEventCode.EMF],
        EmsEventCode.EMF => [EmsEventCode.EMG],
        EmsEventCode.EMG => [EmsEventCode.EMH, EmsEventCode.EMI],
        EmsEventCode.EMH => [EmsEventCode.EMI],
        _ => [],
    };

    private async Task<SimulatedStep?> StepAsync(ItemSummary item, EmsEventCode last, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var next = last switch
        {
            EmsEventCode.EMD => Chance(options.CustomsRate) ? EmsEventCode.EME : EmsEventCode.EMF,
            EmsEventCode.EMG => Chance(options.FailedDeliveryRate) ? EmsEventCode.EMH : EmsEventCode.EMI,
            _ => NextSteps(last)[0],
        };
        var office = next switch
        {
            EmsEventCode.EMB => Nearest(item.Office, exchange: true),
            EmsEventCode.EMD => Pick(Post.Offices.Where(o => o.OfficeOfExchange)).Code,
            EmsEventCode.EMG => Nearest(item.Office, exchange: false),
            _ => item.Office,
        };
        var outcome = next == EmsEventCode.EMD
            ? await postal.AcceptAsync(item.ItemId, null, office, now, cancellationToken)
            : await postal.RecordAsync(item.ItemId, next.ToString(), office, now, cancellationToken);
        return Taken(outcome, item.ItemId, next, office, now);
    }

    private async Task<SimulatedStep?> PostNewItemAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = S10Id.Create("EE", _random.Next(10_000_000, 100_000_000), Post.Country);
        var office = Pick(Post.Offices.Where(o => !o.OfficeOfExchange)).Code;
        return Taken(await postal.AcceptAsync(id.Value, options.Partner, office, now, cancellationToken), id.Value, EmsEventCode.EMA, office, now);
    }

    private SimulatedStep? Taken(PostalOutcome outcome, string itemId, EmsEventCode code, string office, DateTimeOffset now)
    {
        if (outcome.Error != PostalError.None || outcome.Duplicate)
        {
            // Another writer got there first (an operator, a received event, a serial already used): the next tick looks again.
            return null;
        }

        Log.Simulated(logger, code.ToString(), itemId, office);
        return new SimulatedStep(itemId, code, office, now);
    }

    /// <summary>An office of the wanted kind in the same town as <paramref name="from"/> (the first five letters of the code), else any.</summary>
    private string Nearest(string from, bool exchange)
    {
        var kind = Post.Offices.Where(o => o.OfficeOfExchange == exchange).ToList();
        var town = kind.Where(o => from.Length >= 5 && o.Code.StartsWith(from[..5], StringComparison.Ordinal)).ToList();
        return Pick(town.Count > 0 ? town : kind).Code;
    }

    private PostOffice Pick(IEnumerable<PostOffice> offices)
    {
        var list = offices.ToList();
        return list[_random.Next(list.Count)];
    }

    private bool Chance(double share) => _random.NextDouble() < share;
}

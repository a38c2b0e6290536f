namespace Naqil.Agencies.Regulator.Routes;

internal enum LinkStatus
{
    Up,
    Degraded,
    Down,
}

/// <summary>An international link: a submarine cable, a land route, or a transit agreed with a partner.</summary>
internal sealed record InternationalLink(
    string Id,
    string Name,
    string Kind,
    string Operator,
    double CapacityGbps,
    double UsedGbps,
    IReadOnlyList<string> LandingPoints,
    LinkStatus Status,
    DateTimeOffset Since)
{
    /// <summary>Above this share of its capacity a link raises an alarm.</summary>
    public const double AlarmThreshold = 0.80;

    public double Utilisation => CapacityGbps <= 0 ? 0 : UsedGbps / CapacityGbps;

    public bool Alarm => Utilisation > AlarmThreshold;
}

/// <summary>One route of a destination: a link, tried in order of preference (1 first).</summary>
internal sealed record RouteEntry(string Destination, int Preference, string Link);

/// <summary>A recorded change of the link a destination's traffic takes; <see cref="To"/> null is a destination left with no route.</summary>
internal sealed record RouteChange(string Destination, string? From, string? To, DateTimeOffset At, string Reason);

/// <summary>The route table's rules: which link carries a destination, and what a link's new status changes.</summary>
internal static class RouteTable
{
    public static readonly IReadOnlyList<string> Kinds = ["submarine-cable", "land-fibre", "transit"];

    public static string Name(LinkStatus status) => status.ToString().ToLowerInvariant();

    public static bool TryParseStatus(string? text, out LinkStatus status) => Numbering.NumberingPlan.TryParse(Enum.GetValues<LinkStatus>(), Name, text, out status);

    /// <summary>The link that carries <paramref name="routes"/> now: the most preferred that is not down; none, null.</summary>
    public static string? Active(IEnumerable<RouteEntry> routes, IReadOnlyDictionary<string, InternationalLink> links) =>
        routes.OrderBy(r => r.Preference).FirstOrDefault(r => links.TryGetValue(r.Link, out var l) && l.Status != LinkStatus.Down)?.Link;

    /// <summary>
    /// The changes of active link that moving <paramref name="link"/> to <paramref name="status"/>
    /// makes, one per destination whose active link changes (failing over, or back).
    /// </summary>
    public static IReadOnlyList<RouteChange> Changes(IReadOnlyList<RouteEntry> routes, IReadOnlyDictionary<string, InternationalLink> links, string link, LinkStatus status, DateTimeOffset at)
    {
        var after = links.ToDictionary(l => l.Key, l => l.Key == link ? l.Value with { Status = status } : l.Value);
        var changes = new List<RouteChange>();
        foreach (var destination in routes.Where(r => r.Link == link).Select(r => r.Destination).Distinct().Order(StringComparer.Ordinal))
        {
            var own = routes.Where(r => r.Destination == destination).ToList();
            var before = Active(own, links);
            var now = Active(own, after);
            if (before != now)
            {
                var reason = now is null
                    ? $"link {link} is {Name(status)}; no other route is up: the destination is unreachable"
                    : $"link {link} is {Name(status)}";
                changes.Add(new RouteChange(destination, before, now, at, reason));
            }
        }

        return changes;
    }

    /// <summary>The destination entries of the route table that <paramref name="digits"/> falls under: the longest prefix matching.</summary>
    public static string? Match(IEnumerable<string> destinations, string digits) =>
        destinations.Where(d => digits.StartsWith(d, StringComparison.Ordinal)).OrderByDescending(d => d.Length).FirstOrDefault();
}

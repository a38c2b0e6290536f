using Naqil.Agencies.Regulator.Numbering;
using Naqil.Agencies.Regulator.Routes;
using Naqil.Agencies.Regulator.Storage;
using PhoneNumbers;

namespace Naqil.Agencies.Regulator;

/// <summary>The links and the route table as they stand, with each destination's active link and those left without one.</summary>
internal sealed record RouteState(IReadOnlyList<InternationalLink> Links, IReadOnlyList<RouteEntry> Routes)
{
    public IReadOnlyDictionary<string, InternationalLink> LinksById { get; } = Links.ToDictionary(l => l.Id);

    public IEnumerable<string> Destinations => Routes.Select(r => r.Destination).Distinct();

    public IReadOnlyList<RouteEntry> Of(string destination) => [.. Routes.Where(r => r.Destination == destination).OrderBy(r => r.Preference)];

    public string? Active(string destination) => RouteTable.Active(Of(destination), LinksById);

    public IReadOnlyList<string> Unrouted => [.. Destinations.Where(d => Active(d) is null).Order(StringComparer.Ordinal)];
}

/// <summary>What a change of a link's status did: the link, the failovers it caused, and the destinations left without a route.</summary>
internal sealed record LinkChangeResult(InternationalLink Link, IReadOnlyList<RouteChange> Changes, IReadOnlyList<string> Unrouted);

internal sealed partial class RegulatorService
{
    public Task<RouteState> RouteStateAsync(CancellationToken cancellationToken) =>
        store.ReadAsync(async d => new RouteState(await d.LinksAsync(), await d.RoutesAsync()), cancellationToken);

    public Task<IReadOnlyList<RouteChange>> RouteChangesAsync(string? destination, int limit, CancellationToken cancellationToken) =>
        store.ReadAsync(d => d.RouteChangesAsync(destination, limit), cancellationToken);

    /// <summary>Adds or replaces a link; a new status fails its destinations over as <see cref="SetLinkStatusAsync"/> does.</summary>
    public async Task<Outcome<LinkChangeResult>> PutLinkAsync(string? client, InternationalLink link, CancellationToken cancellationToken)
    {
        if (RequireRegulator<LinkChangeResult>(client, "changing the international links") is { } refused)
        {
            return refused;
        }

        var problem = link.Id is not { Length: >= 2 and <= 32 } || !link.Id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') ? "id must be 2 to 32 letters, digits or dashes, such as UGARIT"
            : string.IsNullOrWhiteSpace(link.Name) || link.Name.Length > 100 ? "name is required, at most 100 characters"
            : !RouteTable.Kinds.Contains(link.Kind) ? $"kind must be one of {string.Join(", ", RouteTable.Kinds)}"
            : !(link.CapacityGbps > 0) || !(link.UsedGbps >= 0) || link.UsedGbps > link.CapacityGbps * 2 ? "capacityGbps must be positive and usedGbps from 0 (up to twice the capacity, for an overload)"
            : link.LandingPoints is not { Count: >= 2 and <= 10 } || link.LandingPoints.Any(p => string.IsNullOrWhiteSpace(p) || p.Contains('|', StringComparison.Ordinal) || p.Length > 60) ? "landingPoints must list 2 to 10 places, each at most 60 characters, without '|'"
            : string.IsNullOrWhiteSpace(link.Operator) || link.Operator.Length > 60 ? "operator is required, at most 60 characters"
            : null;
        if (problem is not null)
        {
            return Outcome<LinkChangeResult>.Refused(RegulatorError.MalformedRequest, problem);
        }

        var now = time.GetUtcNow();
        return await WriteAsync(WriteScope.Routes, async d =>
        {
            var state = new RouteState(await d.LinksAsync(), await d.RoutesAsync());
            var changes = state.LinksById.ContainsKey(link.Id) ? RouteTable.Changes(state.Routes, state.LinksById, link.Id, link.Status, now) : [];
            var stored = link with { Since = state.LinksById.TryGetValue(link.Id, out var old) && old.Status == link.Status ? old.Since : now };
            await d.PutLinkAsync(stored);
            foreach (var change in changes)
            {
                await d.AddRouteChangeAsync(change);
            }

            var after = new RouteState(await d.LinksAsync(), state.Routes);
            return (Outcome<LinkChangeResult>.Ok(new LinkChangeResult(stored, changes, after.Unrouted), created: old is null), true);
        }, null, cancellationToken);
    }

    /// <summary>
    /// A link goes up, degraded or down (and, when given, carries <paramref name="usedGbps"/>): every
    /// destination whose active link changes because of it fails over to its next route (or back),
    /// each change recorded; destinations left with no route are reported.
    /// </summary>
    public async Task<Outcome<LinkChangeResult>> SetLinkStatusAsync(string? client, string linkId, string? statusName, double? usedGbps, CancellationToken cancellationToken)
    {
        if (RequireRegulator<LinkChangeResult>(client, "changing the international links") is { } refused)
        {
            return refused;
        }

        if (!RouteTable.TryParseStatus(statusName, out var status))
        {
            return Outcome<LinkChangeResult>.Refused(RegulatorError.MalformedRequest, "status must be one of up, degraded, down");
        }

        var state = await RouteStateAsync(cancellationToken);
        if (!state.LinksById.TryGetValue(linkId, out var link))
        {
            return Outcome<LinkChangeResult>.Refused(RegulatorError.UnknownLink, $"no link '{RegulatorIds.Shown(linkId)}'; the links are {string.Join(", ", state.LinksById.Keys)}");
        }

        return await PutLinkAsync(client, link with { Status = status, UsedGbps = usedGbps ?? link.UsedGbps }, cancellationToken);
    }

    /// <summary>Sets a destination's routes: the links in order of preference. The destination is a country code, or a longer prefix under one.</summary>
    public async Task<Outcome<IReadOnlyList<RouteEntry>>> PutRoutesAsync(string? client, string destination, IReadOnlyList<string>? links, CancellationToken cancellationToken)
    {
        if (RequireRegulator<IReadOnlyList<RouteEntry>>(client, "changing the route table") is { } refused)
        {
            return refused;
        }

        if (destination.Length is 0 or > 8 || !destination.All(char.IsAsciiDigit) || destination[0] == '0')
        {
            return Outcome<IReadOnlyList<RouteEntry>>.Refused(RegulatorError.MalformedRequest, "a destination is a country code, or a longer prefix of international numbers, 1 to 8 digits without + or 00, such as 964");
        }

        if (CountryCodeOf(destination) is null)
        {
            return Outcome<IReadOnlyList<RouteEntry>>.Refused(RegulatorError.UnknownCountryCode, $"{destination} starts with no assigned country code (ITU-T E.164)");
        }

        if (links is not { Count: >= 1 and <= 8 } || links.Distinct().Count() != links.Count)
        {
            return Outcome<IReadOnlyList<RouteEntry>>.Refused(RegulatorError.MalformedRequest, "links must list 1 to 8 different link ids, the preferred first: {\"links\": [\"UGARIT\", \"TR-LAND\"]}");
        }

        var now = time.GetUtcNow();
        return await WriteAsync(WriteScope.Routes, async d =>
        {
            var state = new RouteState(await d.LinksAsync(), await d.RoutesAsync());
            if (links.FirstOrDefault(l => !state.LinksById.ContainsKey(l)) is { } unknown)
            {
                return (Outcome<IReadOnlyList<RouteEntry>>.Refused(RegulatorError.UnknownLink, $"no link '{RegulatorIds.Shown(unknown)}'; the links are {string.Join(", ", state.LinksById.Keys)}"), false);
            }

            IReadOnlyList<RouteEntry> entries = [.. links.Select((l, i) => new RouteEntry(destination, i + 1, l))];
            var before = state.Active(destination);
            var after = RouteTable.Active(entries, state.LinksById);
            await d.ReplaceRoutesAsync(destination, entries);
            if (before != after)
            {
                await d.AddRouteChangeAsync(new RouteChange(destination, before, after, now, "the route table changed"));
            }

            return (Outcome<IReadOnlyList<RouteEntry>>.Ok(entries), true);
        }, null, cancellationToken);
    }

    /// <summary>The route table's entry that an international number or prefix falls under (longest prefix), as typed: <c>+964 770…</c>, <c>00964</c>, <c>964</c>.</summary>
    public async Task<Outcome<(string Destination, RouteState State)>> RouteAsync(string typed, CancellationToken cancellationToken)
    {
        var error = NumberInput.TryRead(typed, out var digits, out var reason);
        if (error != NumberInputError.None)
        {
            return Outcome<(string, RouteState)>.Refused(RegulatorError.MalformedNumber, reason);
        }

        if (digits.Trunk)
        {
            return Outcome<(string, RouteState)>.Refused(RegulatorError.MalformedNumber, "a destination is international: a country code (964, +964, 00964), not a national number with the trunk 0");
        }

        if (CountryCodeOf(digits.Value) is null)
        {
            return Outcome<(string, RouteState)>.Refused(RegulatorError.UnknownCountryCode, $"+{digits.Value[..Math.Min(3, digits.Value.Length)]} starts with no assigned country code (ITU-T E.164)");
        }

        var state = await RouteStateAsync(cancellationToken);
        return RouteTable.Match(state.Destinations, digits.Value) is { } destination
            ? Outcome<(string, RouteState)>.Ok((destination, state))
            : Outcome<(string, RouteState)>.Refused(RegulatorError.UnknownDestination,
                $"no route of the table serves +{digits.Value}; the destinations are {string.Join(", ", state.Destinations.Select(d => "+" + d))}");
    }

    /// <summary>The assigned country code that starts <paramref name="digits"/>, with its region (ITU-T E.164, as libphonenumber knows them).</summary>
    public static (int Code, string Region)? CountryCodeOf(string digits)
    {
        var util = PhoneNumberUtil.GetInstance();
        for (var length = 1; length <= 3 && length <= digits.Length; length++)
        {
            var code = int.Parse(digits.AsSpan(0, length), System.Globalization.CultureInfo.InvariantCulture);
            var region = util.GetRegionCodeForCountryCode(code);
            if (region != "ZZ")
            {
                return (code, region);
            }
        }

        return null;
    }
}

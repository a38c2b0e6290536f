using Naqil.Agencies.Regulator.Numbering;
using Naqil.Agencies.Regulator.Portability;
using Naqil.Agencies.Regulator.Routes;
using Naqil.Agencies.Regulator.Settlement;
using Naqil.Agencies.Regulator.Storage;

namespace Naqil.Agencies.Regulator.Apis;

internal sealed record BlockView(string Prefix, int NsnLength, string Type, string? Area, string State, string? Operator, DateTimeOffset Since, string FirstNumber, long Size)
{
    public static BlockView From(NumberBlock b, string countryCode) => new(b.Prefix, b.NsnLength, NumberingPlan.Name(b.Type), b.Area, NumberingPlan.Name(b.State), b.Operator, b.Since,
        b.Type == NumberType.ShortCode ? b.Prefix : $"+{countryCode}{b.Prefix}{new string('0', b.NsnLength - b.Prefix.Length)}", (long)Math.Pow(10, b.NsnLength - b.Prefix.Length));
}

internal sealed record BlockChangeView(string? From, string To, string? Operator, DateTimeOffset At, string? Note)
{
    public static BlockChangeView Of(BlockChange c) => new(c.From is { } f ? NumberingPlan.Name(f) : null, NumberingPlan.Name(c.To), c.Operator, c.At, c.Note);
}

internal sealed record BlockDetailView(BlockView Block, IReadOnlyList<BlockChangeView> History);

internal sealed record BlockListView(int Count, IReadOnlyList<BlockView> Blocks);

internal sealed record NumberView(
    string Input, bool Valid, string? Reason, string? E164, string? International, string? National, int CountryCode, string Region,
    string? Type, string? Area, string? Block, string? BlockState, string? BlockOperator, string? ServingOperator, bool Ported)
{
    public static NumberView From(string input, LookupResult r)
    {
        var formats = r.E164 == 0 ? null : NumberLookup.Format(r.E164);
        return new(input, r.Valid, r.InvalidReason, r.E164Text, formats?.International, formats?.National ?? (r.E164 == 0 ? r.Nsn : null), r.CountryCode, r.Region!,
            r.Block is { } b ? NumberingPlan.Name(b.Type) : r.ForeignType, r.Block?.Area, r.Block?.Prefix, r.Block is { } s ? NumberingPlan.Name(s.State) : null,
            r.Block?.Holder, r.ServingOperator, r.Ported);
    }
}

internal sealed record PortStepView(string? From, string To, string By, DateTimeOffset At, string? Note);

internal sealed record PortView(string Id, string Number, string Recipient, string Donor, string State, string? RejectReason, DateTimeOffset Submitted, DateTimeOffset DonorDeadline,
    DateTimeOffset? PortAt, DateTimeOffset Updated, IReadOnlyList<PortStepView>? Steps)
{
    public static PortView From(PortRequest r, IReadOnlyList<PortStep>? steps = null) => new(r.Id, $"+{r.Number}", r.Recipient, r.Donor, PortRules.Name(r.State), r.RejectReason,
        r.Submitted, r.DonorDeadline, r.PortAt, r.Updated, steps?.Select(s => new PortStepView(s.From is { } f ? PortRules.Name(f) : null, PortRules.Name(s.To), s.By, s.At, s.Note)).ToList());
}

internal sealed record PortListView(int Count, IReadOnlyList<PortView> Requests);

internal sealed record LinkView(string Id, string Name, string Kind, string Operator, double CapacityGbps, double UsedGbps, double Utilisation, bool Alarm,
    IReadOnlyList<string> LandingPoints, string Status, DateTimeOffset Since)
{
    public static LinkView From(InternationalLink l) => new(l.Id, l.Name, l.Kind, l.Operator, l.CapacityGbps, l.UsedGbps, Math.Round(l.Utilisation, 4), l.Alarm, l.LandingPoints,
        RouteTable.Name(l.Status), l.Since);
}

internal sealed record AlarmView(string Link, double Utilisation, double Threshold, string Detail);

internal sealed record LinkListView(int Count, IReadOnlyList<LinkView> Links, IReadOnlyList<AlarmView> Alarms)
{
    public static LinkListView From(IReadOnlyList<InternationalLink> links) => new(links.Count, [.. links.Select(LinkView.From)],
        [.. links.Where(l => l.Alarm).Select(l => new AlarmView(l.Id, Math.Round(l.Utilisation, 4), InternationalLink.AlarmThreshold,
            $"{l.Name} carries {l.UsedGbps:0.#} of {l.CapacityGbps:0.#} Gbit/s ({l.Utilisation:P0}), above {InternationalLink.AlarmThreshold:P0}"))]);
}

internal sealed record RouteChangeView(string Destination, string? From, string? To, DateTimeOffset At, string Reason)
{
    public static RouteChangeView Of(RouteChange c) => new("+" + c.Destination, c.From, c.To, c.At, c.Reason);
}

internal sealed record LinkChangeView(LinkView Link, IReadOnlyList<RouteChangeView> Failovers, IReadOnlyList<string> Unrouted);

internal sealed record RouteOptionView(int Preference, string Link, string Name, string Kind, string Status, double Utilisation, bool Alarm, bool Active);

internal sealed record DestinationView(string Destination, string? Region, string? ActiveLink, bool Reachable, IReadOnlyList<RouteOptionView> Routes, IReadOnlyList<RouteChangeView>? Changes)
{
    public static DestinationView From(string destination, RouteState state, IReadOnlyList<RouteChange>? changes)
    {
        var active = state.Active(destination);
        var options = state.Of(destination).Select(r => state.LinksById[r.Link] is var l
            ? new RouteOptionView(r.Preference, l.Id, l.Name, l.Kind, RouteTable.Name(l.Status), Math.Round(l.Utilisation, 4), l.Alarm, l.Id == active) : null!).ToList();
        return new("+" + destination, RegulatorService.CountryCodeOf(destination)?.Region, active, active is not null, options, changes?.Select(RouteChangeView.Of).ToList());
    }
}

internal sealed record RouteTableView(int Count, IReadOnlyList<DestinationView> Destinations, IReadOnlyList<string> Unrouted);

internal sealed record StatementView(string Period, string Country, string Partner, string State, string NaqilId, int Attempts, string? LastError, DateTimeOffset Updated, SettlementStatement? Statement)
{
    public static StatementView From(StoredStatement s) => new(s.Period, s.Country, s.Partner, s.State, s.NaqilId, s.Attempts, s.LastError, s.Updated,
        SettlementStatement.TryParse(System.Text.Encoding.UTF8.GetBytes(s.Body)));
}

internal sealed record StatementListView(int Count, IReadOnlyList<StatementView> Statements);

internal sealed record ReconciliationView(string Period, string Country, string Partner, string? OursState, string? TheirsState, int Lines, int Disputes, double TolerancePercent, IReadOnlyList<ReconciledLine> Reconciled)
{
    public static ReconciliationView From(ReconciledStatement r) => new(r.Period, r.Country, r.Partner, r.Ours?.State, r.Theirs?.State, r.Lines.Count, r.Disputes, Reconciliation.Tolerance * 100, r.Lines);
}

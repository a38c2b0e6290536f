namespace Naqil.Agencies.Postal;

/// <summary>
/// Synthetic EMS items for the sandbox, in several states at each post, each post seeding its own
/// side of an item's history. The two posts' seeds agree: every item Iraq's post has from Syria,
/// Syria's post has posted and dispatched (EMC) before Iraq's EMD, and the other way round, so once
/// both publish, their events cross without a refusal and each post ends with the whole history.
/// Some items wait for the simulator to move them (one at EMB at each post, bound abroad).
/// </summary>
internal static class SyntheticItems
{
    /// <summary>An item Syria's post sent to Iraq, delivered in Baghdad; handy for examples.</summary>
    public static S10Id ExampleItemId { get; } = S10Id.Create("EE", 12345678, "SY");

    private static readonly TimeSpan Damascus = TimeSpan.FromHours(3);
    private static readonly TimeSpan Baghdad = TimeSpan.FromHours(3);

    /// <summary>Accepts and records the post's synthetic items through its own rules; items it already has are left alone.</summary>
    public static async Task SeedAsync(PostalService postal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(postal);
        foreach (var (id, destination, events) in Items(postal.Post.Country))
        {
            if (await postal.GetAsync(id, cancellationToken) is not null)
            {
                continue;
            }

            var (_, office, time) = events[0];
            Expect(await postal.AcceptAsync(id.Value, destination, office, time, cancellationToken));
            foreach (var (code, nextOffice, nextTime) in events.Skip(1))
            {
                Expect(await postal.RecordAsync(id.Value, code, nextOffice, nextTime, cancellationToken));
            }
        }
    }

    private static void Expect(PostalOutcome outcome)
    {
        if (outcome.Error != PostalError.None)
        {
            throw new InvalidOperationException($"a synthetic item breaks the postal rules: {outcome.Detail}");
        }
    }

    private static IEnumerable<(S10Id Id, string Destination, (string Code, string Office, DateTimeOffset Time)[] Events)> Items(string country)
    {
        var start = new DateTimeOffset(2026, 11, 2, 8, 0, 0, Damascus);
        if (country == "SY")
        {
            yield return (ExampleItemId, "IQ", [("EMA", "SYDAMZ", start), ("EMB", "SYDAMA", start.AddHours(6)), ("EMC", "SYDAMA", start.AddHours(20))]);
            yield return (S10Id.Create("EE", 12345679, "SY"), "IQ", [("EMA", "SYALPB", start.AddDays(5)), ("EMB", "SYALPA", start.AddDays(5).AddHours(5)), ("EMC", "SYALPA", start.AddDays(6))]);
            yield return (S10Id.Create("EE", 20000011, "SY"), "IQ", [("EMA", "SYDAMZ", start.AddDays(8)), ("EMB", "SYDAMA", start.AddDays(8).AddHours(4))]);
            yield return (S10Id.Create("EE", 20000025, "SY"), "IQ", [("EMA", "SYALPB", start.AddDays(9))]);
            yield return (S10Id.Create("EE", 30000017, "SY"), "IQ", [("EMA", "SYDAMZ", start.AddDays(2).AddHours(1)), ("EMB", "SYDAMA", start.AddDays(2).AddHours(7)), ("EMC", "SYDAMA", start.AddDays(2).AddHours(22))]);
            yield return (S10Id.Create("EE", 30000021, "SY"), "IQ", [("EMA", "SYALPB", start.AddDays(7).AddHours(2)), ("EMB", "SYALPA", start.AddDays(7).AddHours(8)), ("EMC", "SYALPA", start.AddDays(8).AddHours(1))]);
        }
        else if (country == "IQ")
        {
            var arrival = new DateTimeOffset(2026, 11, 4, 8, 0, 0, Baghdad);
            yield return (ExampleItemId, "IQ", [("EMD", "IQBGWA", arrival), ("EMF", "IQBGWA", arrival.AddHours(10)), ("EMG", "IQBGWK", arrival.AddDays(1)), ("EMI", "IQBGWK", arrival.AddDays(1).AddHours(3))]);
            yield return (S10Id.Create("EE", 12345679, "SY"), "IQ", [("EMD", "IQBGWA", arrival.AddDays(5)), ("EME", "IQBGWA", arrival.AddDays(5).AddHours(2))]);
            yield return (S10Id.Create("EE", 30000017, "SY"), "IQ", [("EMD", "IQBSRA", arrival.AddDays(2)), ("EMF", "IQBSRA", arrival.AddDays(2).AddHours(8)), ("EMG", "IQBSRM", arrival.AddDays(3)), ("EMH", "IQBSRM", arrival.AddDays(3).AddHours(4))]);
            yield return (S10Id.Create("EE", 30000021, "SY"), "IQ", [("EMD", "IQBSRA", arrival.AddDays(7))]);
            yield return (S10Id.Create("EE", 40000013, "IQ"), "SY", [("EMA", "IQBGWK", arrival.AddDays(6)), ("EMB", "IQBGWA", arrival.AddDays(6).AddHours(5))]);
            yield return (S10Id.Create("EE", 40000027, "IQ"), "SY", [("EMA", "IQBSRM", arrival.AddDays(4)), ("EMB", "IQBSRA", arrival.AddDays(4).AddHours(6)), ("EMC", "IQBSRA", arrival.AddDays(5))]);
        }
    }
}

using Naqil.Agencies.Regulator.Routes;
using Naqil.Agencies.Regulator.Settlement;

namespace Naqil.Agencies.Regulator;

/// <summary>
/// The sandbox's synthetic registers, put through the service's own rules (every block walks its
/// lifecycle, every ported number goes through a whole port request): Syria's plan with its
/// operators, ported numbers, international links and routes; Iraq's smaller plan; each side's
/// settlement statement for November 2026, Iraq's differing from Syria's on one line by more than 1%.
/// </summary>
internal static class SyntheticRegister
{
    /// <summary>A Syrian mobile number of MTN's block, ported to Syriatel: the sandbox's lookup example, typed in its local form.</summary>
    public const string ExamplePortedNumber = "0944123456";

    public const string ExamplePeriod = "2026-11";

    private static readonly (string Area, string Code)[] SyriaAreas =
    [
        ("Damascus", "11"), ("Rif Dimashq", "13"), ("Quneitra", "14"), ("Daraa", "15"), ("As-Suwayda", "16"), ("Aleppo", "21"), ("Raqqa", "22"),
        ("Idlib", "23"), ("Homs", "31"), ("Hama", "33"), ("Latakia", "41"), ("Tartus", "43"), ("Deir ez-Zor", "51"), ("Al-Hasakah", "52"),
    ];

    /// <summary>Seeds <paramref name="regulator"/> once: an empty plan is filled, a filled one left as it is.</summary>
    public static async Task SeedAsync(RegulatorService regulator, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(regulator);
        if ((await regulator.BlocksAsync(cancellationToken)).Count > 0)
        {
            return;
        }

        var staff = regulator.Profile.Member + "/staff";
        if (regulator.Profile.Country == "SY")
        {
            await SeedSyriaAsync(regulator, staff, cancellationToken);
        }
        else
        {
            await SeedIraqAsync(regulator, staff, cancellationToken);
        }
    }

    private static async Task SeedSyriaAsync(RegulatorService r, string staff, CancellationToken ct)
    {
        foreach (var (area, code) in SyriaAreas)
        {
            // 110..113 are short codes: Damascus' geographic blocks start at 114.
            foreach (var digit in area == "Damascus" ? "4567" : "234567")
            {
                await AllocateAsync(r, staff, code + digit, 9, "geographic-fixed", area, "SYTEL", ct);
            }
        }

        foreach (var (prefix, op) in new[] { ("93", "SYRIATEL"), ("98", "SYRIATEL"), ("99", "SYRIATEL"), ("94", "MTN"), ("95", "MTN"), ("96", "MTN"), ("91", "WAFA") })
        {
            await AllocateAsync(r, staff, prefix, 9, "mobile", null, op, ct);
        }

        foreach (var (prefix, type) in new[] { ("800", "toll-free"), ("801", "shared-cost"), ("900", "premium") })
        {
            await AllocateAsync(r, staff, prefix, 9, type, null, "SYTEL", ct);
        }

        foreach (var shortCode in new[] { "110", "112", "113" })
        {
            await AllocateAsync(r, staff, shortCode, 3, "short-code", null, "SYTEL", ct);
        }

        // The new entrant's second block, reserved; a block given back and resting in quarantine; one free.
        await Check(r.AddBlockAsync(staff, "92", 9, "mobile", null, ct));
        await Check(r.ChangeBlockAsync(staff, "92", "reserved", "WAFA", "licence of the new entrant, second block", ct));
        await AllocateAsync(r, staff, "97", 9, "mobile", null, "MTN", ct);
        await Check(r.ChangeBlockAsync(staff, "97", "withdrawn", null, "unused for three years", ct));
        await Check(r.ChangeBlockAsync(staff, "97", "quarantine", null, null, ct));
        await Check(r.AddBlockAsync(staff, "119", 9, "geographic-fixed", "Damascus", ct));

        foreach (var (number, recipient, donor) in new[]
        {
            (ExamplePortedNumber, "SYRIATEL", "MTN"), ("0933222111", "MTN", "SYRIATEL"), ("0955000777", "WAFA", "MTN"),
            ("0988765432", "WAFA", "SYRIATEL"), ("0912345678", "MTN", "WAFA"), ("0944555666", "WAFA", "MTN"),
        })
        {
            await PortAsync(r, number, recipient, donor, ct);
        }

        // Requests still under way: one waiting for its donor, one the donor refused.
        await Check(r.SubmitPortAsync(Client(r, "MTN"), "0999 100 200", ct));
        var refused = await Check(r.SubmitPortAsync(Client(r, "SYRIATEL"), "0966 300 400", ct));
        await Check(r.ActAsync(Client(r, "MTN"), refused.Request.Id, "reject", "subscriber-id-mismatch", null, ct));

        foreach (var link in SyriaLinks)
        {
            await Check(r.PutLinkAsync(staff, link, ct));
        }

        foreach (var (destination, links) in new (string, string[])[]
        {
            ("964", ["IQ-LAND", "TR-LAND"]), ("962", ["JO-LAND", "TR-LAND"]), ("90", ["TR-LAND", "UGARIT"]), ("357", ["UGARIT", "TR-LAND"]),
            ("20", ["ALETAR", "JO-LAND"]), ("961", ["BERYTAR", "ALETAR"]), ("968", ["OM-TRANSIT", "IQ-LAND"]), ("971", ["JO-LAND", "OM-TRANSIT"]),
            ("44", ["UGARIT", "ALETAR", "TR-LAND"]),
        })
        {
            await Check(r.PutRoutesAsync(staff, destination, links, ct));
        }

        // A fault to show: the Beirut cable is down, and Lebanon's traffic has failed over to ALETAR.
        await Check(r.SetLinkStatusAsync(staff, "BERYTAR", "down", 0, ct));
        await Check(r.PutStatementAsync(staff, Statement("SY", "IQ", disputed: false), ct));
    }

    private static async Task SeedIraqAsync(RegulatorService r, string staff, CancellationToken ct)
    {
        foreach (var (prefix, op) in new[] { ("77", "ASIACELL"), ("78", "ZAIN-IQ"), ("79", "ZAIN-IQ"), ("75", "KOREK") })
        {
            await AllocateAsync(r, staff, prefix, 10, "mobile", null, op, ct);
        }

        await AllocateAsync(r, staff, "12", 8, "geographic-fixed", "Baghdad", "ITPC", ct);
        await AllocateAsync(r, staff, "40", 8, "geographic-fixed", "Basra", "ITPC", ct);
        await PortAsync(r, "07701234567", "ZAIN-IQ", "ASIACELL", ct);
        await Check(r.PutStatementAsync(staff, Statement("IQ", "SY", disputed: true), ct));
    }

    /// <summary>Both regulators' November statements; Iraq's counts Zain Iraq → MTN 3.8% higher than Syria does, and Syriatel → Asiacell 0.4% lower (within 1%).</summary>
    public static SettlementStatement Statement(string country, string partner, bool disputed)
    {
        StatementLine[] lines =
        [
            new("SY", "IQ", "SYRIATEL", "ASIACELL", "voice-mobile", disputed ? 1_245_000 : 1_250_000),
            new("SY", "IQ", "MTN", "ZAIN-IQ", "voice-mobile", 980_000),
            new("SY", "IQ", "SYTEL", "ITPC", "voice-fixed", 210_400),
            new("IQ", "SY", "ASIACELL", "SYRIATEL", "voice-mobile", 1_100_000),
            new("IQ", "SY", "ZAIN-IQ", "MTN", "voice-mobile", disputed ? 905_000 : 871_500),
            new("IQ", "SY", "ITPC", "SYTEL", "voice-fixed", 188_000),
            new("IQ", "SY", "ZAIN-IQ", "SYRIATEL", "voice-transit", 64_250),
        ];
        return new SettlementStatement(ExamplePeriod, country, partner, lines);
    }

    private static readonly InternationalLink[] SyriaLinks =
    [
        new("UGARIT", "UGARIT submarine cable (Tartus – Pentaskhinos, Cyprus)", "submarine-cable", "SYTEL", 100, 86, ["Tartus", "Pentaskhinos (CY)"], LinkStatus.Up, default),
        new("ALETAR", "ALETAR submarine cable (Tartus – Alexandria, Egypt)", "submarine-cable", "SYTEL", 40, 21.5, ["Tartus", "Alexandria (EG)"], LinkStatus.Up, default),
        new("BERYTAR", "BERYTAR submarine cable (Tartus – Beirut, Lebanon)", "submarine-cable", "SYTEL", 20, 6, ["Tartus", "Beirut (LB)"], LinkStatus.Up, default),
        new("TR-LAND", "Land fibre Aleppo – Gaziantep (Turkey)", "land-fibre", "SYTEL", 200, 64, ["Aleppo", "Kilis (TR)", "Gaziantep (TR)"], LinkStatus.Up, default),
        new("IQ-LAND", "Land fibre Al-Bukamal – Al-Qaim (Iraq)", "land-fibre", "SYTEL", 100, 47, ["Al-Bukamal", "Al-Qaim (IQ)"], LinkStatus.Up, default),
        new("JO-LAND", "Land fibre Daraa – Ramtha (Jordan)", "land-fibre", "SYTEL", 100, 33, ["Daraa", "Ramtha (JO)"], LinkStatus.Degraded, default),
        new("OM-TRANSIT", "Transit to Oman through Iraq (SY–OM agreement)", "transit", "SYTEL", 40, 9.5, ["Al-Bukamal", "Baghdad (IQ)", "Muscat (OM)"], LinkStatus.Up, default),
    ];

    private static string Client(RegulatorService r, string op) => r.Profile.Operator(op)!.Member + "/np";

    private static async Task AllocateAsync(RegulatorService r, string staff, string prefix, int nsnLength, string type, string? area, string op, CancellationToken ct)
    {
        await Check(r.AddBlockAsync(staff, prefix, nsnLength, type, area, ct));
        await Check(r.ChangeBlockAsync(staff, prefix, "reserved", op, null, ct));
        await Check(r.ChangeBlockAsync(staff, prefix, "allocated", op, null, ct));
    }

    private static async Task PortAsync(RegulatorService r, string number, string recipient, string donor, CancellationToken ct)
    {
        var request = await Check(r.SubmitPortAsync(Client(r, recipient), number, ct));
        await Check(r.ActAsync(Client(r, donor), request.Request.Id, "accept", null, null, ct));
        await Check(r.ActAsync(Client(r, recipient), request.Request.Id, "schedule", null, r.Now, ct));
        await Check(r.ActAsync(Client(r, recipient), request.Request.Id, "complete", null, null, ct));
    }

    private static async Task<T> Check<T>(Task<Outcome<T>> step)
    {
        var outcome = await step;
        return outcome.IsRefused ? throw new InvalidOperationException($"the synthetic register was refused: {outcome.Error}: {outcome.Detail}") : outcome.Value!;
    }
}

namespace Naqil.Agencies.Regulator;

/// <summary>A telecom operator licensed by the regulator: its code, its member on the bus, its name, and whether it runs fixed or mobile networks.</summary>
internal sealed record TelecomOperator(string Code, string Member, string Name, string Kind);

/// <summary>
/// One national telecom regulator: its country and E.164 country code, its member on the bus, the
/// operators it licenses, its governorates (the areas of geographic blocks), and the partner
/// regulators it exchanges settlement statements with.
/// </summary>
internal sealed record RegulatorProfile(string Country, string CountryCode, string Member, string Name, IReadOnlyList<TelecomOperator> Operators, IReadOnlyList<string> Areas)
{
    public TelecomOperator? Operator(string? code) => Operators.FirstOrDefault(o => o.Code == code);

    /// <summary>The operator whose member called (the first three segments of <c>Naqil-Client</c>), if any.</summary>
    public TelecomOperator? OperatorOfClient(string? client) => client is null ? null : Operators.FirstOrDefault(o => o.Member == MemberOf(client));

    /// <summary>Whether the caller is one of the regulator's own subsystems.</summary>
    public bool IsOwnClient(string? client) => client is not null && MemberOf(client) == Member;

    public static string MemberOf(string client) => string.Join('/', client.Split('/').Take(3));
}

/// <summary>The sandbox's regulators: Syria's (SY/GOV/SYTPRA) and Iraq's (IQ/GOV/CMC).</summary>
internal static class Regulators
{
    public static RegulatorProfile Syria { get; } = new("SY", "963", "SY/GOV/SYTPRA", "Syrian Telecommunications and Post Regulatory Authority / الهيئة الناظمة للاتصالات والبريد",
        [
            new("SYTEL", "SY/COM/SYTEL", "Syrian Telecom / السورية للاتصالات", "fixed"),
            new("SYRIATEL", "SY/COM/SYRIATEL", "Syriatel / سيريتل", "mobile"),
            new("MTN", "SY/COM/MTN", "MTN Syria / إم تي إن سوريا", "mobile"),
            new("WAFA", "SY/COM/WAFA", "Wafa Telecom / وفا تيليكوم", "mobile"),
        ],
        ["Damascus", "Rif Dimashq", "Aleppo", "Homs", "Hama", "Latakia", "Tartus", "Idlib", "Raqqa", "Deir ez-Zor", "Al-Hasakah", "Daraa", "As-Suwayda", "Quneitra"]);

    public static RegulatorProfile Iraq { get; } = new("IQ", "964", "IQ/GOV/CMC", "Communications and Media Commission / هيئة الإعلام والاتصالات",
        [
            new("ITPC", "IQ/COM/ITPC", "Iraqi Telecommunications and Post Company", "fixed"),
            new("ZAIN-IQ", "IQ/COM/ZAIN", "Zain Iraq", "mobile"),
            new("ASIACELL", "IQ/COM/ASIACELL", "Asiacell", "mobile"),
            new("KOREK", "IQ/COM/KOREK", "Korek Telecom", "mobile"),
        ],
        ["Baghdad", "Basra", "Nineveh", "Erbil", "Najaf", "Karbala"]);

    /// <summary>The sandbox's regulator of <paramref name="country"/>, if it has one.</summary>
    public static RegulatorProfile? Of(string country) => country switch
    {
        "SY" => Syria,
        "IQ" => Iraq,
        _ => null,
    };
}

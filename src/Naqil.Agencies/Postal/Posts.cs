namespace Naqil.Agencies.Postal;

/// <summary>One office of a post, by its UPU-style code.</summary>
internal sealed record PostOffice(string Code, string Name, string NameArabic, bool OfficeOfExchange);

/// <summary>A national post: its country, its names and its offices.</summary>
internal sealed record Post(string Country, string Name, string NameArabic, IReadOnlyList<PostOffice> Offices)
{
    /// <summary>The offset of the post's local time, in which its simulated events are written.</summary>
    public TimeSpan UtcOffset { get; init; } = TimeSpan.FromHours(3);

    public PostOffice? Office(string? code) => Offices.FirstOrDefault(o => string.Equals(o.Code, code, StringComparison.Ordinal));
}

/// <summary>The posts Naqil's sandbox knows: Syria's and Iraq's.</summary>
internal static class Posts
{
    public static Post Syria { get; } = new("SY", "Syrian Post", "المؤسسة السورية للبريد",
    [
        new("SYDAMA", "DAMASCUS EXCHANGE", "مكتب تبادل دمشق", OfficeOfExchange: true),
        new("SYALPA", "ALEPPO EXCHANGE", "مكتب تبادل حلب", OfficeOfExchange: true),
        new("SYDAMZ", "DAMASCUS MAZZEH", "مكتب بريد المزة", OfficeOfExchange: false),
        new("SYALPB", "ALEPPO BAB AL-FARAJ", "مكتب بريد باب الفرج", OfficeOfExchange: false),
    ]);

    public static Post Iraq { get; } = new("IQ", "Iraqi Post", "البريد العراقي",
    [
        new("IQBGWA", "BAGHDAD EXCHANGE", "مكتب تبادل بغداد", OfficeOfExchange: true),
        new("IQBSRA", "BASRA EXCHANGE", "مكتب تبادل البصرة", OfficeOfExchange: true),
        new("IQBGWK", "BAGHDAD KARRADA", "مكتب بريد الكرادة", OfficeOfExchange: false),
        new("IQBSRM", "BASRA AL-ASHAR", "مكتب بريد العشار", OfficeOfExchange: false),
    ]);

    /// <summary>The post of <paramref name="country"/>, if the sandbox knows it (to name the other post's offices).</summary>
    public static Post? Find(string? country) => country switch
    {
        "SY" => Syria,
        "IQ" => Iraq,
        _ => null,
    };

    public static Post ByCountry(string country) => country switch
    {
        "SY" => Syria,
        "IQ" => Iraq,
        _ => throw new ArgumentException($"no post is configured for country '{country}'; known: SY, IQ", nameof(country)),
    };
}

using System.Diagnostics.CodeAnalysis;

namespace Naqil.Identifiers;

/// <summary>A REST API behind a provider subsystem: <c>SY/GOV/CIVREG/registry/persons</c>.</summary>
public sealed record ServiceId
{
    private ServiceId(SubsystemId subsystem, string code)
    {
        Subsystem = subsystem;
        Code = code;
    }

    public SubsystemId Subsystem { get; }

    public string Code { get; }

    public MemberId Member => Subsystem.Member;

    public string Instance => Subsystem.Member.Instance;

    public static ServiceId Create(SubsystemId subsystem, string code)
    {
        ArgumentNullException.ThrowIfNull(subsystem);
        var error = Identifier.CheckSegment(code, "service");
        return error is null ? new ServiceId(subsystem, code) : throw new IdentifierException(error);
    }

    public static ServiceId Parse(string text) =>
        TryParse(text, out var id, out var error) ? id : throw new IdentifierException(error);

    public static bool TryParse(string? text, [NotNullWhen(true)] out ServiceId? id, [NotNullWhen(false)] out string? error)
    {
        id = null;
        Span<Range> ranges = stackalloc Range[6];
        if (!Identifier.TrySplit(text, 5, "service", "SY/GOV/CIVREG/registry/persons", ranges, out error))
        {
            return false;
        }

        var s = text!;
        error = MemberId.Validate(s[ranges[0]], s[ranges[1]], s[ranges[2]])
            ?? Identifier.CheckSegment(s[ranges[3]], "subsystem")
            ?? Identifier.CheckSegment(s[ranges[4]], "service");
        if (error is not null)
        {
            return false;
        }

        id = new ServiceId(SubsystemId.Create(MemberId.Create(s[ranges[0]], s[ranges[1]], s[ranges[2]]), s[ranges[3]]), s[ranges[4]]);
        return true;
    }

    public override string ToString() => $"{Subsystem}/{Code}";
}

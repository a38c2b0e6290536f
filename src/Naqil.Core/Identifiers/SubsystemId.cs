using System.Diagnostics.CodeAnalysis;

namespace Naqil.Identifiers;

/// <summary>One information system of a member: <c>SY/GOV/MOCT/portal</c>. Clients and providers are subsystems.</summary>
public sealed record SubsystemId
{
    private SubsystemId(MemberId member, string code)
    {
        Member = member;
        Code = code;
    }

    public MemberId Member { get; }

    public string Code { get; }

    public string Instance => Member.Instance;

    public static SubsystemId Create(MemberId member, string code)
    {
        ArgumentNullException.ThrowIfNull(member);
        var error = Identifier.CheckSegment(code, "subsystem");
        return error is null ? new SubsystemId(member, code) : throw new IdentifierException(error);
    }

    public static SubsystemId Parse(string text) =>
        TryParse(text, out var id, out var error) ? id : throw new IdentifierException(error);

    public static bool TryParse(string? text, [NotNullWhen(true)] out SubsystemId? id, [NotNullWhen(false)] out string? error)
    {
        id = null;
        Span<Range> ranges = stackalloc Range[5];
        if (!Identifier.TrySplit(text, 4, "subsystem", "SY/GOV/MOCT/portal", ranges, out error))
        {
            return false;
        }

        var s = text!;
        error = MemberId.Validate(s[ranges[0]], s[ranges[1]], s[ranges[2]]) ?? Identifier.CheckSegment(s[ranges[3]], "subsystem");
        if (error is not null)
        {
            return false;
        }

        id = new SubsystemId(MemberId.Create(s[ranges[0]], s[ranges[1]], s[ranges[2]]), s[ranges[3]]);
        return true;
    }

    public override string ToString() => $"{Member}/{Code}";
}

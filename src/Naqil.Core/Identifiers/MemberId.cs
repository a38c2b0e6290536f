using System.Diagnostics.CodeAnalysis;

namespace Naqil.Identifiers;

/// <summary>An organisation on an instance: <c>SY/GOV/CIVREG</c> (instance / member class / member code).</summary>
public sealed record MemberId
{
    private MemberId(string instance, string memberClass, string code)
    {
        Instance = instance;
        MemberClass = memberClass;
        Code = code;
    }

    public string Instance { get; }

    public string MemberClass { get; }

    public string Code { get; }

    public static MemberId Create(string instance, string memberClass, string code)
    {
        var error = Validate(instance, memberClass, code);
        return error is null ? new MemberId(instance, memberClass, code) : throw new IdentifierException(error);
    }

    public static MemberId Parse(string text) =>
        TryParse(text, out var id, out var error) ? id : throw new IdentifierException(error);

    public static bool TryParse(string? text, [NotNullWhen(true)] out MemberId? id, [NotNullWhen(false)] out string? error)
    {
        id = null;
        Span<Range> ranges = stackalloc Range[4];
        if (!Identifier.TrySplit(text, 3, "member", "SY/GOV/CIVREG", ranges, out error))
        {
            return false;
        }

        var s = text!;
        error = Validate(s[ranges[0]], s[ranges[1]], s[ranges[2]]);
        if (error is not null)
        {
            return false;
        }

        id = new MemberId(s[ranges[0]], s[ranges[1]], s[ranges[2]]);
        return true;
    }

    internal static string? Validate(string instance, string memberClass, string code) =>
        Identifier.CheckInstance(instance)
        ?? (Identifier.MemberClasses.Contains(memberClass) ? null : $"the member class segment '{Identifier.Printable(memberClass)}' is not one of GOV, COM, ORG")
        ?? Identifier.CheckSegment(code, "member code");

    public override string ToString() => $"{Instance}/{MemberClass}/{Code}";
}

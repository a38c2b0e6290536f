using System.Diagnostics.CodeAnalysis;

namespace Naqil.Identifiers;

/// <summary>
/// Parsing rules shared by every identifier: segments of <c>A–Z a–z 0–9 - . _</c>, 1–64
/// characters, separated by <c>/</c>. A segment made only of dots (<c>.</c>, <c>..</c>) is refused
/// too, so an identifier can never walk a path.
/// </summary>
public static class Identifier
{
    public const int MaxSegmentLength = 64;

    public static readonly IReadOnlySet<string> MemberClasses = new HashSet<string>(StringComparer.Ordinal) { "GOV", "COM", "ORG" };

    /// <summary>Returns null when <paramref name="segment"/> is valid, else a sentence saying why not.</summary>
    public static string? CheckSegment(ReadOnlySpan<char> segment, string role)
    {
        if (segment.IsEmpty)
        {
            return $"the {role} segment is empty; each segment needs 1 to {MaxSegmentLength} characters";
        }

        if (segment.Length > MaxSegmentLength)
        {
            return $"the {role} segment is {segment.Length} characters long; the limit is {MaxSegmentLength}";
        }

        var onlyDots = true;
        foreach (var c in segment)
        {
            if (!IsSegmentChar(c))
            {
                return $"the {role} segment '{Printable(segment)}' contains '{Printable(c)}'; use only A-Z, a-z, 0-9, '-', '.' and '_'";
            }

            onlyDots &= c == '.';
        }

        return onlyDots ? $"the {role} segment '{segment}' is made only of dots, which is not allowed" : null;
    }

    public static bool IsSegmentChar(char c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.' or '_';

    /// <summary>Instances are named by ISO 3166-1 alpha-2 country codes: two capital letters.</summary>
    public static string? CheckInstance(ReadOnlySpan<char> instance)
    {
        if (instance.Length != 2 || !char.IsAsciiLetterUpper(instance[0]) || !char.IsAsciiLetterUpper(instance[1]))
        {
            return $"the instance segment '{Printable(instance)}' is not a two-letter country code in capitals such as SY or IQ";
        }

        return null;
    }

    internal static bool TrySplit(string? text, int expected, string kind, string example, Span<Range> ranges, [NotNullWhen(false)] out string? error)
    {
        if (string.IsNullOrEmpty(text))
        {
            error = $"the {kind} identifier is empty; expected the form {example}";
            return false;
        }

        var count = text.AsSpan().Split(ranges, '/');
        if (count != expected || text.AsSpan().Count('/') != expected - 1)
        {
            error = $"'{Printable(text)}' is not a {kind} identifier: expected {expected} segments separated by '/', as in {example}";
            return false;
        }

        error = null;
        return true;
    }

    internal static string Printable(ReadOnlySpan<char> text)
    {
        const int max = 80;
        var builder = new System.Text.StringBuilder(Math.Min(text.Length, max));
        foreach (var c in text[..Math.Min(text.Length, max)])
        {
            builder.Append(Printable(c));
        }

        if (text.Length > max)
        {
            builder.Append('…');
        }

        return builder.ToString();
    }

    private static string Printable(char c) =>
        c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:X4}";
}

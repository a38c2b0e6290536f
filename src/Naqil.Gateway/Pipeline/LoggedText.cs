using System.Text;

namespace Naqil.Gateway.Pipeline;

/// <summary>
/// Texts a caller named, as the permanent log keeps them. An accepted exchange's texts were checked
/// (identifiers parsed, headers printable ASCII) or signed, and are kept as they are. A refused
/// caller's are not to be believed: anything but printable ASCII is escaped (<c>\u00e9</c>, and a
/// backslash as <c>\\</c>) and the text is cut, with a marker, so a refusal cannot put control
/// characters, terminal escapes or kilobytes of junk into evidence that is kept for years.
/// </summary>
internal static class LoggedText
{
    public const int MaxLength = 256;
    public const int MaxPathLength = 2048;
    public const string CutMarker = "...[cut]";

    public static string From(string text, bool refused, int maxLength = MaxLength) => refused ? Escape(text, maxLength) : text;

    public static string? FromOptional(string? text, bool refused) => text is null ? null : From(text, refused);

    /// <summary>The text with every character outside printable ASCII (and the backslash) escaped, cut to <paramref name="maxLength"/> characters.</summary>
    public static string Escape(string text, int maxLength = MaxLength)
    {
        if (text.Length <= maxLength && IsPlain(text))
        {
            return text;
        }

        var builder = new StringBuilder(Math.Min(text.Length, maxLength) + CutMarker.Length);
        foreach (var c in text)
        {
            var escaped = c is >= ' ' and <= '~' and not '\\' ? null : c == '\\' ? "\\\\" : $"\\u{(int)c:x4}";
            var length = escaped?.Length ?? 1;
            if (builder.Length + length > maxLength)
            {
                return builder.Append(CutMarker).ToString();
            }

            _ = escaped is null ? builder.Append(c) : builder.Append(escaped);
        }

        return builder.ToString();
    }

    private static bool IsPlain(string text)
    {
        foreach (var c in text)
        {
            if (c is < ' ' or > '~' or '\\')
            {
                return false;
            }
        }

        return true;
    }
}

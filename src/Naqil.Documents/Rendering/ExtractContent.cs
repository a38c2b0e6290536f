namespace Naqil.Documents.Rendering;

/// <summary>A text in Arabic and in English.</summary>
public sealed record BilingualText(string Arabic, string English);

/// <summary>
/// One line of an extract: a stable <paramref name="Key"/> (lower-case, <c>a-z 0-9 -</c>; it names
/// the line in the verification payload), and the label and value in each language. A value may
/// be in either script (a name known only in Arabic appears in Arabic in the English part too).
/// </summary>
public sealed record ExtractField(string Key, string ArabicLabel, string ArabicValue, string EnglishLabel, string EnglishValue);

/// <summary>
/// What a certified extract says: its <paramref name="Type"/> (a stable name such as
/// <c>civil-record-extract</c>), the <paramref name="Issuer"/>'s bus identity (<c>SY/GOV/CIVREG</c>)
/// and display name, the title, and the lines, printed in this order in both parts.
/// </summary>
public sealed record ExtractContent(
    string Type,
    string Issuer,
    BilingualText IssuerName,
    BilingualText Title,
    IReadOnlyList<ExtractField> Fields);

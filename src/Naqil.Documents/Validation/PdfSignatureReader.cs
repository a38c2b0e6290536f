using System.Globalization;
using Naqil.Documents.Pdf;

namespace Naqil.Documents.Validation;

/// <summary>
/// Finds a PDF's signature fields (the catalog's /AcroForm /Fields, down their /Kids) and its DSS, with
/// every walk bounded: a hostile file can make many fields or deep trees, not a long run.
/// </summary>
internal static class PdfSignatureReader
{
    public const int MaxFields = 1000;
    public const int MaxFieldDepth = 16;
    public const int MaxDssItems = 1000;
    public const int MaxDssItemBytes = 1024 * 1024;

    public static List<PdfSignatureField> ReadFields(PdfFile file)
    {
        var catalog = file.GetDictionary(file.RootReference);
        var found = new List<PdfSignatureField>();
        if (catalog["AcroForm"] is not { } formValue)
        {
            return found;
        }

        var form = file.Resolve(formValue);
        var visited = 0;
        var pending = new Stack<(PdfValue Field, int Depth, string? InheritedType)>();
        foreach (var field in Array(file, form["Fields"]).AsEnumerable().Reverse())
        {
            pending.Push((field, 0, null));
        }

        while (pending.Count > 0)
        {
            var (value, depth, inheritedType) = pending.Pop();
            if (++visited > MaxFields || depth > MaxFieldDepth)
            {
                throw new FormatException($"The form has more than {MaxFields} fields or is nested more than {MaxFieldDepth} deep.");
            }

            var field = file.Resolve(value);
            var type = (field["FT"] as PdfName)?.Value ?? inheritedType;
            if (field["Kids"] is { } kids)
            {
                foreach (var kid in Array(file, kids).AsEnumerable().Reverse())
                {
                    pending.Push((kid, depth + 1, type));
                }
            }

            if (type != "Sig" || field["V"] is not { } signatureValue)
            {
                continue;
            }

            var container = signatureValue as PdfReference ?? value as PdfReference;
            var signature = file.Resolve(signatureValue);
            found.Add(new PdfSignatureField(
                Name: Text(field["T"]) ?? $"field{found.Count + 1}",
                Type: (signature["Type"] as PdfName)?.Value ?? "Sig",
                SubFilter: (signature["SubFilter"] as PdfName)?.Value,
                ClaimedTime: ParseDate(Text(signature["M"])),
                ByteRange: signature["ByteRange"],
                ContentsText: (signature["Contents"] as PdfScalar)?.Text,
                Container: container));
        }

        return found;
    }

    public static DssData ReadDss(PdfFile file)
    {
        var catalog = file.GetDictionary(file.RootReference);
        var dss = new DssData();
        if (catalog["DSS"] is not { } dssValue)
        {
            return dss;
        }

        dss.Present = true;
        dss.Offset = dssValue is PdfReference reference ? file.OffsetOf(reference.Number) : file.OffsetOf(file.RootReference.Number);
        var dictionary = file.Resolve(dssValue);
        Read(file, dictionary["Certs"], dss.Certificates, dss.Problems);
        Read(file, dictionary["OCSPs"], dss.Ocsps, dss.Problems);
        Read(file, dictionary["CRLs"], dss.Crls, dss.Problems);
        return dss;
    }

    private static void Read(PdfFile file, PdfValue? value, List<byte[]> into, List<string> problems)
    {
        if (value is null)
        {
            return;
        }

        var items = Array(file, value);
        if (items.Count > MaxDssItems)
        {
            problems.Add($"the DSS lists more than {MaxDssItems} items; none of them is read");
            return;
        }

        foreach (var item in items)
        {
            try
            {
                into.Add(file.ReadStream(item as PdfReference ?? throw new FormatException("a DSS item is not a stream reference"), MaxDssItemBytes));
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException or InvalidCastException)
            {
                problems.Add($"a DSS item could not be read: {e.Message}");
            }
        }
    }

    private static List<PdfValue> Array(PdfFile file, PdfValue? value) => value switch
    {
        null => [],
        PdfArray array => array.Items,
        PdfReference reference when file.Get(reference) is PdfArray array => array.Items,
        _ => throw new FormatException("Expected an array."),
    };

    /// <summary>A literal string's text (simple escapes only; enough for field names and dates).</summary>
    private static string? Text(PdfValue? value)
    {
        if (value is not PdfScalar { Text: ['(', .., ')'] } scalar)
        {
            return null;
        }

        return scalar.Text[1..^1].Replace("\\(", "(", StringComparison.Ordinal).Replace("\\)", ")", StringComparison.Ordinal);
    }

    /// <summary>A PDF date, <c>D:YYYYMMDDHHmmSS</c> with an optional <c>Z</c> or <c>+HH'mm'</c> (ISO 32000-1 §7.9.4).</summary>
    private static DateTimeOffset? ParseDate(string? text)
    {
        if (text is null || !text.StartsWith("D:", StringComparison.Ordinal) || text.Length < 16)
        {
            return null;
        }

        if (!DateTime.TryParseExact(text[2..16], "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return null;
        }

        var zone = text[16..].Replace("'", string.Empty, StringComparison.Ordinal);
        var offset = TimeSpan.Zero;
        if (zone.Length >= 5 && zone[0] is '+' or '-' &&
            int.TryParse(zone[1..3], NumberStyles.None, CultureInfo.InvariantCulture, out var hours) &&
            int.TryParse(zone[3..5], NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) && hours < 24 && minutes < 60)
        {
            offset = new TimeSpan(hours, minutes, 0) * (zone[0] == '-' ? -1 : 1);
        }

        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}

/// <summary>A signature field's value as written: a /Sig or a /DocTimeStamp, and the object that holds it.</summary>
internal sealed record PdfSignatureField(
    string Name,
    string Type,
    string? SubFilter,
    DateTimeOffset? ClaimedTime,
    PdfValue? ByteRange,
    string? ContentsText,
    PdfReference? Container);

/// <summary>The DSS's certificates, OCSP responses and CRLs (DER), and where it is.</summary>
internal sealed class DssData
{
    public bool Present { get; set; }

    public long? Offset { get; set; }

    public List<byte[]> Certificates { get; } = [];

    public List<byte[]> Ocsps { get; } = [];

    public List<byte[]> Crls { get; } = [];

    public List<string> Problems { get; } = [];
}

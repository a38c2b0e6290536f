using System.Globalization;
using System.Text;
using Naqil.Documents.Pdf;

namespace Naqil.Documents.Validation;

/// <summary>
/// What changed in a PDF after the revision a signature covers, and whether it may: a sealed document
/// may gain validation data (a DSS), further signature fields (a document timestamp, another seal) and
/// nothing else. The rule, on the objects a reader sees now against those of the signed revision:
/// <list type="bullet">
/// <item>the later updates continue the signed revision (its cross-reference section is on the /Prev
/// chain) and keep its /Root; nothing but whitespace and comments follows a revision's %%EOF;</item>
/// <item>new objects are allowed (they matter only if a changed object points at them);</item>
/// <item>a changed object must be the catalog (only /DSS, /AcroForm and /Extensions may differ), the
/// form (its /Fields may grow, /SigFlags change), a page (its /Annots may grow), an array that only
/// grows, or a DSS; no object may be deleted;</item>
/// <item>everything a form or a page gained is a signature field with an empty /Rect: an invisible
/// widget cannot draw over the page.</item>
/// </list>
/// </summary>
internal static class ModificationCheck
{
    /// <summary>The reasons the changes after <paramref name="signedEnd"/> are not allowed (empty when they are), and how many revisions follow.</summary>
    public static (IReadOnlyList<string> Problems, int LaterRevisions) Find(PdfFile file, long signedEnd)
    {
        var problems = new List<string>();
        var text = Encoding.Latin1.GetString(file.Bytes);
        if (signedEnd >= text.Length)
        {
            return (problems, 0);
        }

        // After the last revision's %%EOF, only whitespace and comments: anything else is not an
        // incremental update, whatever a lenient reader might make of it.
        var lastStartxref = text.LastIndexOf("startxref", StringComparison.Ordinal);
        var lastEof = lastStartxref < 0 ? -1 : text.IndexOf("%%EOF", lastStartxref, StringComparison.Ordinal);
        if (lastEof < 0 || !IsOnlyWhitespaceAndComments(text, lastEof + 5, text.Length))
        {
            problems.Add("bytes that are not an incremental update follow the last revision");
        }

        var signed = text[..(int)signedEnd].TrimEnd();
        if (!signed.EndsWith("%%EOF", StringComparison.Ordinal))
        {
            problems.Add("the signed bytes do not end with a revision's %%EOF");
            return (problems, 0);
        }

        var startxrefAt = signed.LastIndexOf("startxref", StringComparison.Ordinal);
        var signedXref = startxrefAt < 0 ? -1 : long.Parse(new PdfParser(signed, startxrefAt + 9).ReadToken(), NumberStyles.None, CultureInfo.InvariantCulture);
        var sections = file.Sections;
        var signedIndex = sections.ToList().FindIndex(s => s.Offset == signedXref);
        if (signedIndex < 0)
        {
            problems.Add("the later updates do not continue the signed revision (its cross-reference section is not on the /Prev chain)");
            return (problems, 0);
        }

        if (signedIndex == 0)
        {
            return (problems, 0);
        }

        if (sections[0].Trailer["Root"]?.ToString() != sections[signedIndex].Trailer["Root"]?.ToString())
        {
            problems.Add("a later update replaces the document catalog (/Root)");
            return (problems, signedIndex);
        }

        var before = View(sections.Skip(signedIndex));
        var now = View(sections);
        var root = file.RootReference.Number;
        var catalogBefore = before.TryGetValue(root, out var rootOffset) && rootOffset >= 0 ? file.GetAt(rootOffset, root) as PdfDictionary : null;
        var formNumber = (catalogBefore?["AcroForm"] as PdfReference)?.Number;
        var added = new List<PdfValue>();
        foreach (var (number, offset) in now.OrderBy(entry => entry.Key))
        {
            if (number == 0 || (before.TryGetValue(number, out var old) && old == offset))
            {
                continue;
            }

            if (offset < 0)
            {
                if (before.TryGetValue(number, out var was) && was >= 0)
                {
                    problems.Add($"object {number} was deleted after signing");
                }

                continue;
            }

            if (!before.TryGetValue(number, out var oldOffset) || oldOffset < 0)
            {
                continue; // A new object.
            }

            try
            {
                var problem = Compare(file.GetAt(oldOffset, number), file.GetAt(offset, number), number == root, number == formNumber, added);
                if (problem is not null)
                {
                    problems.Add($"object {number} {problem}");
                }
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                problems.Add($"object {number} was rewritten and cannot be read: {e.Message}");
            }
        }

        foreach (var item in added)
        {
            if (CheckAdded(file, item) is { } problem)
            {
                problems.Add(problem);
            }
        }

        return (problems, signedIndex);
    }

    private static Dictionary<int, long> View(IEnumerable<XrefSection> newestFirst)
    {
        var view = new Dictionary<int, long>();
        foreach (var section in newestFirst)
        {
            foreach (var (number, offset) in section.Entries)
            {
                view.TryAdd(number, offset);
            }
        }

        return view;
    }

    private static string? Compare(PdfValue before, PdfValue after, bool isCatalog, bool isForm, List<PdfValue> added)
    {
        if (before.ToString() == after.ToString())
        {
            return null;
        }

        switch (before, after)
        {
            case (PdfDictionary, PdfDictionary) when isCatalog:
                return CompareDictionary((PdfDictionary)before, (PdfDictionary)after, "the catalog", ["DSS", "Extensions"], added, formKey: "AcroForm");
            case (PdfDictionary, PdfDictionary) when isForm:
                return CompareForm((PdfDictionary)before, (PdfDictionary)after, added);
            case (PdfDictionary { } page, PdfDictionary) when page["Type"] is PdfName { Value: "Page" }:
                return CompareDictionary(page, (PdfDictionary)after, "a page", [], added, growingKey: "Annots");
            case (PdfDictionary { } dss, PdfDictionary) when dss["Type"] is PdfName { Value: "DSS" }:
                return null;
            case (PdfArray old, PdfArray grown):
                return Grows(old, grown, added) ? null : "(an array) lost or changed items after signing";
            default:
                var type = (before as PdfDictionary)?["Type"]?.ToString() ?? before.GetType().Name[3..].ToLowerInvariant();
                return $"({type}) was changed after signing";
        }
    }

    private static string? CompareForm(PdfDictionary before, PdfDictionary after, List<PdfValue> added) =>
        CompareDictionary(before, after, "the form", ["SigFlags"], added, growingKey: "Fields");

    private static string? CompareDictionary(
        PdfDictionary before,
        PdfDictionary after,
        string what,
        string[] free,
        List<PdfValue> added,
        string? growingKey = null,
        string? formKey = null)
    {
        var keys = before.Entries.Select(e => e.Key).Union(after.Entries.Select(e => e.Key));
        foreach (var key in keys)
        {
            var old = before[key];
            var now = after[key];
            if (free.Contains(key) || old?.ToString() == now?.ToString())
            {
                continue;
            }

            if (key == growingKey && old is PdfArray oldArray && now is PdfArray newArray && Grows(oldArray, newArray, added))
            {
                continue;
            }

            if (key == growingKey && old is null && now is PdfArray first)
            {
                added.AddRange(first.Items);
                continue;
            }

            if (key == formKey)
            {
                switch (old, now)
                {
                    case (null, PdfDictionary newForm):
                        added.AddRange((newForm["Fields"] as PdfArray)?.Items ?? []);
                        continue;
                    case (null, PdfReference):
                        continue; // A new form object: its fields are checked when its array is compared or below.
                    case (PdfDictionary oldForm, PdfDictionary newForm) when CompareForm(oldForm, newForm, added) is null:
                        continue;
                }
            }

            return $"({what}) had /{key} changed after signing";
        }

        return null;
    }

    private static bool Grows(PdfArray before, PdfArray after, List<PdfValue> added)
    {
        if (after.Items.Count < before.Items.Count)
        {
            return false;
        }

        for (var i = 0; i < before.Items.Count; i++)
        {
            if (before.Items[i].ToString() != after.Items[i].ToString())
            {
                return false;
            }
        }

        added.AddRange(after.Items.Skip(before.Items.Count));
        return true;
    }

    /// <summary>Null when <paramref name="item"/>, gained by a page's /Annots or the form's /Fields, is an invisible signature field.</summary>
    private static string? CheckAdded(PdfFile file, PdfValue item)
    {
        try
        {
            var dictionary = file.Resolve(item);
            var type = dictionary["FT"] as PdfName;
            if (type is null && dictionary["Parent"] is { } parent)
            {
                type = file.Resolve(parent)["FT"] as PdfName;
            }

            if (type?.Value != "Sig")
            {
                var subtype = (dictionary["Subtype"] as PdfName)?.Value ?? "field";
                return $"an annotation or field ({subtype}) that is not a signature was added after signing";
            }

            if (dictionary["Rect"] is PdfArray { Items.Count: 4 } rect && rect.Items.Select(Number).ToList() is [var x1, var y1, var x2, var y2]
                && (x1 != x2 && y1 != y2))
            {
                return "a visible signature appearance was added after signing (it could draw over the page)";
            }

            return null;
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            return $"an item added after signing cannot be read: {e.Message}";
        }
    }

    private static double Number(PdfValue value) =>
        value is PdfScalar scalar && double.TryParse(scalar.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : double.NaN;

    private static bool IsOnlyWhitespaceAndComments(string text, int from, int to)
    {
        var parser = new PdfParser(text[from..to], 0);
        parser.SkipWhitespace();
        return parser.Position >= to - from;
    }
}

using System.Globalization;
using System.Text;

namespace Naqil.Documents.Pdf;

/// <summary>
/// Appends an invisible signature field whose value is a signature dictionary (a /Sig or a
/// /DocTimeStamp), as an incremental update, and fills its /ByteRange and /Contents: the
/// /ByteRange covers the whole file but the /Contents hex string, and /Contents holds the DER
/// the signer returns for those bytes, zero-padded to the reserved size (ISO 32000-1 §12.8.1).
/// </summary>
internal static class SignatureFields
{
    // Ten digits a number, rewritten in place once the offsets are known.
    private const string ByteRangePlaceholder = "[0 0000000000 0000000000 0000000000]";

    public static async Task<SignedUpdate> AppendAsync(
        byte[] pdf,
        PdfDictionary signature,
        string fieldPrefix,
        int reservedBytes,
        Func<byte[], CancellationToken, Task<byte[]>> sign,
        CancellationToken cancellationToken)
    {
        var file = PdfFile.Read(pdf);
        var update = new IncrementalUpdate(file);
        var signatureReference = update.Allocate();
        var widgetReference = update.Allocate();

        signature["ByteRange"] = new PdfScalar(ByteRangePlaceholder);
        signature["Contents"] = new PdfScalar("<" + new string('0', reservedBytes * 2) + ">");
        update.Set(signatureReference, signature);

        var catalog = file.GetDictionary(file.RootReference);
        var fieldName = AddToForm(update, catalog, widgetReference, fieldPrefix);
        if (signature["Type"] is PdfName { Value: "Sig" } && catalog["Extensions"] is null)
        {
            // The extension that declares PAdES (ETSI EN 319 142-1, §5.4.1 of ETSI TS 102 778-4).
            var esic = new PdfDictionary { ["BaseVersion"] = new PdfName("1.7"), ["ExtensionLevel"] = PdfScalar.Integer(2) };
            catalog["Extensions"] = new PdfDictionary { ["ESIC"] = esic };
        }

        update.Set(file.RootReference, catalog);

        var pageReference = file.FirstPage();
        var page = file.GetDictionary(pageReference);
        switch (page["Annots"])
        {
            case null:
                page["Annots"] = new PdfArray([widgetReference]);
                update.Set(pageReference, page);
                break;
            case PdfArray annotations:
                annotations.Items.Add(widgetReference);
                update.Set(pageReference, page);
                break;
            case PdfReference annotationsReference when file.Get(annotationsReference) is PdfArray annotations:
                annotations.Items.Add(widgetReference);
                update.Set(annotationsReference, annotations);
                break;
            default:
                throw new FormatException("The first page's /Annots is neither an array nor a reference to one.");
        }

        var widget = new PdfDictionary
        {
            ["Type"] = new PdfName("Annot"),
            ["Subtype"] = new PdfName("Widget"),
            ["FT"] = new PdfName("Sig"),
            ["T"] = new PdfScalar($"({fieldName})"),
            ["V"] = signatureReference,
            ["P"] = pageReference,
            ["Rect"] = new PdfArray([PdfScalar.Integer(0), PdfScalar.Integer(0), PdfScalar.Integer(0), PdfScalar.Integer(0)]),
            ["F"] = PdfScalar.Integer(132), // Print and Locked: an invisible signature that cannot be moved.
        };
        update.Set(widgetReference, widget);

        var bytes = update.Build();
        var text = Encoding.Latin1.GetString(bytes);
        var byteRangeAt = text.IndexOf("/ByteRange " + ByteRangePlaceholder, pdf.Length, StringComparison.Ordinal) + "/ByteRange ".Length;
        var contentsStart = text.IndexOf("/Contents <", pdf.Length, StringComparison.Ordinal) + "/Contents ".Length;
        var contentsEnd = contentsStart + (reservedBytes * 2) + 2;
        if (byteRangeAt < "/ByteRange ".Length || contentsStart < "/Contents ".Length || text[contentsEnd - 1] != '>')
        {
            throw new InvalidOperationException("The signature placeholders were not found where they were written.");
        }

        var byteRange = new[] { 0L, contentsStart, contentsEnd, bytes.Length - contentsEnd };
        var byteRangeText = string.Create(CultureInfo.InvariantCulture, $"[{byteRange[0]} {byteRange[1]} {byteRange[2]} {byteRange[3]}]")
            .PadRight(ByteRangePlaceholder.Length);
        Encoding.Latin1.GetBytes(byteRangeText).CopyTo(bytes, byteRangeAt);

        var covered = new byte[contentsStart + (bytes.Length - contentsEnd)];
        bytes.AsSpan(0, contentsStart).CopyTo(covered);
        bytes.AsSpan(contentsEnd).CopyTo(covered.AsSpan(contentsStart));
        var contents = await sign(covered, cancellationToken);
        if (contents.Length > reservedBytes)
        {
            throw new ContentsTooLargeException(contents.Length);
        }

        Encoding.Latin1.GetBytes(Convert.ToHexString(contents)).CopyTo(bytes, contentsStart + 1);
        return new SignedUpdate(bytes, contents, byteRange);
    }

    /// <summary>Adds the field to the catalog's form (made when absent); returns its unique name.</summary>
    private static string AddToForm(IncrementalUpdate update, PdfDictionary catalog, PdfReference field, string prefix)
    {
        var file = update.File;
        PdfDictionary form;
        PdfReference? formReference = null;
        switch (catalog["AcroForm"])
        {
            case null:
                form = new PdfDictionary { ["Fields"] = new PdfArray([]) };
                catalog["AcroForm"] = form;
                break;
            case PdfDictionary inline:
                form = inline;
                break;
            case PdfReference reference:
                form = file.GetDictionary(reference);
                formReference = reference;
                break;
            default:
                throw new FormatException("The catalog's /AcroForm is not a dictionary.");
        }

        var fields = form["Fields"] switch
        {
            null => new PdfArray([]),
            PdfArray array => array,
            PdfReference reference when file.Get(reference) is PdfArray array => array,
            _ => throw new FormatException("The form's /Fields is not an array."),
        };
        form["Fields"] = fields;
        form["SigFlags"] = PdfScalar.Integer(3); // SignaturesExist and AppendOnly.
        fields.Items.Add(field);
        if (formReference is not null)
        {
            update.Set(formReference, form);
        }

        return string.Create(CultureInfo.InvariantCulture, $"{prefix}{fields.Items.Count}");
    }
}

/// <summary>The signed file, the DER in its /Contents (unpadded) and its /ByteRange.</summary>
internal sealed record SignedUpdate(byte[] Pdf, byte[] Contents, long[] ByteRange);

/// <summary>The signature did not fit the space reserved for it; the caller reserves more and signs again.</summary>
internal sealed class ContentsTooLargeException(int needed) : Exception($"The signature needs {needed} bytes, more than reserved.")
{
    public int Needed { get; } = needed;
}

using System.Globalization;
using System.Text;

namespace Naqil.Documents.Pdf;

/// <summary>
/// A PDF read just far enough to append an incremental update (ISO 32000-1 §7.5.6): the last
/// trailer, where each object is, and any object's value. Only cross-reference tables are read;
/// a file with cross-reference streams (§7.5.8) is refused with <see cref="NotSupportedException"/>.
/// </summary>
internal sealed class PdfFile
{
    private readonly string _text;
    private readonly Dictionary<int, long> _offsets = [];

    private PdfFile(byte[] bytes)
    {
        Bytes = bytes;
        _text = Encoding.Latin1.GetString(bytes);
        StartXref = FindStartXref();
        Trailer = ReadXrefSections(StartXref);
    }

    public byte[] Bytes { get; }

    /// <summary>The offset of the last cross-reference section, the new section's /Prev.</summary>
    public long StartXref { get; }

    /// <summary>The last trailer.</summary>
    public PdfDictionary Trailer { get; }

    public int Size => int.Parse(((PdfScalar)Trailer["Size"]!).Text, CultureInfo.InvariantCulture);

    public PdfReference RootReference => Trailer["Root"] as PdfReference ?? throw new FormatException("The trailer has no /Root.");

    public static PdfFile Read(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length < 8 || !bytes.AsSpan(0, 5).SequenceEqual("%PDF-"u8))
        {
            throw new FormatException("This is not a PDF file.");
        }

        return new PdfFile(bytes);
    }

    /// <summary>The value of object <paramref name="reference"/>; a stream's dictionary for a stream.</summary>
    public PdfValue Get(PdfReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (!_offsets.TryGetValue(reference.Number, out var offset))
        {
            throw new FormatException($"Object {reference.Number} is not in the cross-reference table.");
        }

        var parser = new PdfParser(_text, checked((int)offset));
        var number = parser.ReadToken();
        parser.ReadToken();
        parser.Expect("obj");
        if (number != reference.Number.ToString(CultureInfo.InvariantCulture))
        {
            throw new FormatException($"The cross-reference table points object {reference.Number} at object {number}.");
        }

        return parser.ReadValue();
    }

    public PdfDictionary GetDictionary(PdfReference reference) =>
        Get(reference) as PdfDictionary ?? throw new FormatException($"Object {reference.Number} is not a dictionary.");

    /// <summary>A dictionary given directly or by reference.</summary>
    public PdfDictionary Resolve(PdfValue value) => value switch
    {
        PdfDictionary dictionary => dictionary,
        PdfReference reference => GetDictionary(reference),
        _ => throw new FormatException("Expected a dictionary."),
    };

    /// <summary>The first page's reference (the Pages tree walked down its first kids).</summary>
    public PdfReference FirstPage()
    {
        var node = GetDictionary(RootReference)["Pages"] as PdfReference ?? throw new FormatException("The catalog has no /Pages.");
        for (var depth = 0; depth < 32; depth++)
        {
            var dictionary = GetDictionary(node);
            if (dictionary["Type"] is PdfName { Value: "Page" })
            {
                return node;
            }

            if (dictionary["Kids"] is not PdfArray { Items: [PdfReference first, ..] })
            {
                throw new FormatException("A pages node has no kids.");
            }

            node = first;
        }

        throw new FormatException("The pages tree is too deep.");
    }

    private long FindStartXref()
    {
        var at = _text.LastIndexOf("startxref", StringComparison.Ordinal);
        if (at < 0)
        {
            throw new FormatException("The PDF has no startxref.");
        }

        var parser = new PdfParser(_text, at + "startxref".Length);
        return long.Parse(parser.ReadToken(), CultureInfo.InvariantCulture);
    }

    private PdfDictionary ReadXrefSections(long start)
    {
        PdfDictionary? last = null;
        var seen = new HashSet<long>();
        long? next = start;
        while (next is { } offset)
        {
            if (!seen.Add(offset) || offset < 0 || offset >= _text.Length)
            {
                throw new FormatException($"A cross-reference offset ({offset}) is out of the file or loops.");
            }

            var parser = new PdfParser(_text, (int)offset);
            if (string.CompareOrdinal(_text, (int)offset, "xref", 0, 4) != 0)
            {
                throw new NotSupportedException(
                    "The PDF uses a cross-reference stream (PDF 1.5 compressed objects); only cross-reference tables are supported.");
            }

            parser.Expect("xref");
            while (true)
            {
                var token = parser.ReadToken();
                if (token == "trailer")
                {
                    break;
                }

                var first = int.Parse(token, CultureInfo.InvariantCulture);
                var count = int.Parse(parser.ReadToken(), CultureInfo.InvariantCulture);
                for (var i = 0; i < count; i++)
                {
                    var entryOffset = long.Parse(parser.ReadToken(), CultureInfo.InvariantCulture);
                    parser.ReadToken();
                    var type = parser.ReadToken();

                    // A newer section (read first) wins over the older ones it updates.
                    if (type == "n")
                    {
                        _offsets.TryAdd(first + i, entryOffset);
                    }
                    else
                    {
                        _offsets.TryAdd(first + i, -1);
                    }
                }
            }

            var trailer = parser.ReadDictionary();
            last ??= trailer;
            if (trailer["XRefStm"] is not null)
            {
                throw new NotSupportedException("The PDF is a hybrid-reference file (/XRefStm); only cross-reference tables are supported.");
            }

            next = trailer["Prev"] is PdfScalar prev ? long.Parse(prev.Text, CultureInfo.InvariantCulture) : null;
        }

        foreach (var free in _offsets.Where(entry => entry.Value < 0).Select(entry => entry.Key).ToList())
        {
            _offsets.Remove(free);
        }

        return last ?? throw new FormatException("The PDF has no trailer.");
    }
}

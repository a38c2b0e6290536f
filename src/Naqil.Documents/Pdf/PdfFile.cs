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
    /// <summary>More objects than this and the file is refused: no document of ours comes near it.</summary>
    public const int MaxObjects = 1_000_000;

    private readonly string _text;
    private readonly Dictionary<int, long> _offsets = [];
    private readonly List<XrefSection> _sections = [];

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

    /// <summary>The cross-reference sections from the last back along /Prev: one per revision.</summary>
    public IReadOnlyList<XrefSection> Sections => _sections;

    /// <summary>Where object <paramref name="number"/> is in the file as a reader sees it now, or null.</summary>
    public long? OffsetOf(int number) => _offsets.TryGetValue(number, out var offset) ? offset : null;

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

        return GetAt(offset, reference.Number);
    }

    /// <summary>The value of the object written at <paramref name="offset"/>, which must be object <paramref name="number"/>.</summary>
    public PdfValue GetAt(long offset, int number)
    {
        if (offset < 0 || offset >= _text.Length)
        {
            throw new FormatException($"Object {number} is said to be at offset {offset}, outside the file.");
        }

        var parser = new PdfParser(_text, (int)offset);
        var found = parser.ReadToken();
        parser.ReadToken();
        parser.Expect("obj");
        if (found != number.ToString(CultureInfo.InvariantCulture))
        {
            throw new FormatException($"The cross-reference table points object {number} at object {found}.");
        }

        return parser.ReadValue();
    }

    /// <summary>
    /// The data of stream object <paramref name="reference"/>, unfiltered or /FlateDecode, refused when it
    /// is (or inflates to) more than <paramref name="maxBytes"/>. A /Length that does not land on
    /// <c>endstream</c> is not believed: the data then ends at the first <c>endstream</c>.
    /// </summary>
    public byte[] ReadStream(PdfReference reference, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var offset = OffsetOf(reference.Number) ?? throw new FormatException($"Object {reference.Number} is not in the cross-reference table.");
        var parser = new PdfParser(_text, (int)offset);
        parser.ReadToken();
        parser.ReadToken();
        parser.Expect("obj");
        var dictionary = parser.ReadDictionary();
        parser.Expect("stream");
        var start = parser.Position;
        if (start < _text.Length && _text[start] == '\r')
        {
            start++;
        }

        if (start < _text.Length && _text[start] == '\n')
        {
            start++;
        }

        var end = -1;
        if (dictionary["Length"] is PdfScalar length && int.TryParse(length.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var declared)
            && declared <= _text.Length - start)
        {
            var after = new PdfParser(_text, start + declared);
            after.SkipWhitespace();
            if (string.CompareOrdinal(_text, after.Position, "endstream", 0, 9) == 0)
            {
                end = start + declared;
            }
        }

        if (end < 0)
        {
            end = _text.IndexOf("endstream", start, StringComparison.Ordinal);
            if (end < 0)
            {
                throw new FormatException($"Stream {reference.Number} has no endstream.");
            }

            while (end > start && _text[end - 1] is '\r' or '\n')
            {
                end--;
            }
        }

        if (end - start > maxBytes)
        {
            throw new FormatException($"Stream {reference.Number} is over {maxBytes} bytes.");
        }

        var data = Bytes.AsSpan(start, end - start);
        return dictionary["Filter"] switch
        {
            null => data.ToArray(),
            PdfName { Value: "FlateDecode" } or PdfArray { Items: [PdfName { Value: "FlateDecode" }] } => Inflate(data, maxBytes, reference.Number),
            var filter => throw new FormatException($"Stream {reference.Number} has the filter {filter}, which is not read."),
        };
    }

    private static byte[] Inflate(ReadOnlySpan<byte> data, int maxBytes, int number)
    {
        using var input = new MemoryStream(data.ToArray());
        using var inflater = new System.IO.Compression.ZLibStream(input, System.IO.Compression.CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = inflater.Read(buffer)) > 0)
            {
                if (output.Length + read > maxBytes)
                {
                    throw new FormatException($"Stream {number} inflates to more than {maxBytes} bytes.");
                }

                output.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException e)
        {
            throw new FormatException($"Stream {number} is not valid zlib data: {e.Message}", e);
        }

        return output.ToArray();
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
            var entries = new Dictionary<int, long>();
            while (true)
            {
                var token = parser.ReadToken();
                if (token == "trailer")
                {
                    break;
                }

                var first = int.Parse(token, NumberStyles.None, CultureInfo.InvariantCulture);
                var count = int.Parse(parser.ReadToken(), NumberStyles.None, CultureInfo.InvariantCulture);
                if ((long)first + count > MaxObjects || _offsets.Count + count > MaxObjects)
                {
                    throw new FormatException($"The cross-reference table lists more than {MaxObjects} objects.");
                }

                for (var i = 0; i < count; i++)
                {
                    var entryOffset = long.Parse(parser.ReadToken(), NumberStyles.None, CultureInfo.InvariantCulture);
                    parser.ReadToken();
                    var type = parser.ReadToken();
                    entries.TryAdd(first + i, type == "n" ? entryOffset : -1);

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
            _sections.Add(new XrefSection(offset, entries, trailer));
            if (trailer["XRefStm"] is not null)
            {
                throw new NotSupportedException("The PDF is a hybrid-reference file (/XRefStm); only cross-reference tables are supported.");
            }

            next = trailer["Prev"] is PdfScalar prev ? long.Parse(prev.Text, NumberStyles.None, CultureInfo.InvariantCulture) : null;
        }

        foreach (var free in _offsets.Where(entry => entry.Value < 0).Select(entry => entry.Key).ToList())
        {
            _offsets.Remove(free);
        }

        return last ?? throw new FormatException("The PDF has no trailer.");
    }
}

/// <summary>One cross-reference section: where it is, its entries (offset, or -1 for a free entry) and its trailer.</summary>
internal sealed record XrefSection(long Offset, IReadOnlyDictionary<int, long> Entries, PdfDictionary Trailer);

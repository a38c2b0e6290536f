using System.Globalization;
using System.Text;

namespace Naqil.Documents.Pdf;

/// <summary>
/// New and rewritten objects appended after a PDF's end with their own cross-reference table
/// and a trailer whose /Prev is the previous table (ISO 32000-1 §7.5.6). The original bytes are
/// left untouched, so earlier signatures keep verifying.
/// </summary>
internal sealed class IncrementalUpdate(PdfFile file)
{
    private readonly SortedDictionary<int, (int Generation, byte[] Body)> _objects = [];
    private int _size = file.Size;

    public PdfFile File => file;

    /// <summary>A fresh object number.</summary>
    public PdfReference Allocate() => new(_size++, 0);

    /// <summary>Writes <paramref name="value"/> as object <paramref name="reference"/> (new, or a rewrite of an existing one).</summary>
    public void Set(PdfReference reference, PdfValue value)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(value);
        _objects[reference.Number] = (reference.Generation, Encoding.Latin1.GetBytes(value.ToString()));
    }

    /// <summary>Writes <paramref name="data"/> as an unfiltered stream object.</summary>
    public void SetStream(PdfReference reference, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var body = new List<byte>();
        body.AddRange(Encoding.Latin1.GetBytes($"<</Length {data.Length.ToString(CultureInfo.InvariantCulture)}>>\nstream\n"));
        body.AddRange(data.ToArray());
        body.AddRange("\nendstream"u8.ToArray());
        _objects[reference.Number] = (reference.Generation, body.ToArray());
    }

    /// <summary>The original file followed by the update.</summary>
    public byte[] Build()
    {
        using var output = new MemoryStream();
        output.Write(file.Bytes);
        if (file.Bytes[^1] is not ((byte)'\n' or (byte)'\r'))
        {
            output.WriteByte((byte)'\n');
        }

        var offsets = new SortedDictionary<int, (long Offset, int Generation)>();
        foreach (var (number, (generation, body)) in _objects)
        {
            offsets[number] = (output.Position, generation);
            Write(output, $"{number} {generation} obj\n");
            output.Write(body);
            Write(output, "\nendobj\n");
        }

        var xref = output.Position;
        var table = new StringBuilder("xref\n");
        var numbers = offsets.Keys.ToList();
        for (var i = 0; i < numbers.Count;)
        {
            // One subsection per run of consecutive object numbers.
            var run = 1;
            while (i + run < numbers.Count && numbers[i + run] == numbers[i] + run)
            {
                run++;
            }

            table.Append(CultureInfo.InvariantCulture, $"{numbers[i]} {run}\n");
            for (var j = i; j < i + run; j++)
            {
                var (offset, generation) = offsets[numbers[j]];
                table.Append(CultureInfo.InvariantCulture, $"{offset:D10} {generation:D5} n \n");
            }

            i += run;
        }

        var trailer = new PdfDictionary
        {
            ["Size"] = PdfScalar.Integer(_size),
            ["Root"] = file.RootReference,
        };
        foreach (var key in new[] { "Info", "ID" })
        {
            if (file.Trailer[key] is { } value)
            {
                trailer[key] = value;
            }
        }

        trailer["Prev"] = PdfScalar.Integer(file.StartXref);
        table.Append("trailer\n").Append(trailer).Append(CultureInfo.InvariantCulture, $"\nstartxref\n{xref}\n%%EOF\n");
        Write(output, table.ToString());
        return output.ToArray();
    }

    private static void Write(Stream output, string text) => output.Write(Encoding.Latin1.GetBytes(text));
}

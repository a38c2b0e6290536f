using System.Globalization;
using System.Text;

namespace Naqil.Documents.Pdf;

/// <summary>
/// The few PDF object types an incremental update rewrites (ISO 32000-1 §7.3). Strings and
/// other scalars are kept as the bytes they were written with, so a rewritten dictionary says
/// exactly what the original did. Text is Latin-1: one char per byte.
/// </summary>
internal abstract class PdfValue
{
    public abstract void WriteTo(StringBuilder output);

    public override string ToString()
    {
        var output = new StringBuilder();
        WriteTo(output);
        return output.ToString();
    }
}

/// <summary>A name, without its slash, as written (any #xx escapes kept).</summary>
internal sealed class PdfName(string value) : PdfValue
{
    public string Value { get; } = value;

    public override void WriteTo(StringBuilder output) => output.Append('/').Append(Value);
}

/// <summary>A number, a string, a boolean or null: kept as its source text.</summary>
internal sealed class PdfScalar(string text) : PdfValue
{
    public string Text { get; } = text;

    public static PdfScalar Integer(long value) => new(value.ToString(CultureInfo.InvariantCulture));

    public override void WriteTo(StringBuilder output) => output.Append(Text);
}

internal sealed class PdfReference(int number, int generation) : PdfValue
{
    public int Number { get; } = number;

    public int Generation { get; } = generation;

    public override void WriteTo(StringBuilder output) =>
        output.Append(CultureInfo.InvariantCulture, $"{Number} {Generation} R");
}

internal sealed class PdfArray(List<PdfValue> items) : PdfValue
{
    public List<PdfValue> Items { get; } = items;

    public override void WriteTo(StringBuilder output)
    {
        output.Append('[');
        for (var i = 0; i < Items.Count; i++)
        {
            if (i > 0)
            {
                output.Append(' ');
            }

            Items[i].WriteTo(output);
        }

        output.Append(']');
    }
}

/// <summary>A dictionary that keeps its keys' order.</summary>
internal sealed class PdfDictionary : PdfValue
{
    private readonly List<KeyValuePair<string, PdfValue>> _entries = [];

    public IEnumerable<KeyValuePair<string, PdfValue>> Entries => _entries;

    public PdfValue? this[string key]
    {
        get => _entries.FirstOrDefault(entry => entry.Key == key).Value;
        set
        {
            var index = _entries.FindIndex(entry => entry.Key == key);
            if (value is null)
            {
                if (index >= 0)
                {
                    _entries.RemoveAt(index);
                }
            }
            else if (index >= 0)
            {
                _entries[index] = new(key, value);
            }
            else
            {
                _entries.Add(new(key, value));
            }
        }
    }

    public override void WriteTo(StringBuilder output)
    {
        output.Append("<<");
        foreach (var (key, value) in _entries)
        {
            output.Append('/').Append(key).Append(' ');
            value.WriteTo(output);
            output.Append('\n');
        }

        output.Append(">>");
    }
}

namespace Naqil.Cli.Events;

/// <summary>A column of a <see cref="TextTable"/>; counts read better aligned right.</summary>
internal sealed record TextColumn(string Header, bool AlignRight = false);

/// <summary>
/// Rows printed in columns two spaces apart, headers in capitals, nothing drawn: a table that
/// grep, awk and cut read as well as a person does. The last column is not padded.
/// </summary>
internal sealed class TextTable(params TextColumn[] columns)
{
    private readonly List<string[]> _rows = [];

    public int Count => _rows.Count;

    public void Add(params string[] cells)
    {
        if (cells.Length != columns.Length)
        {
            throw new ArgumentException($"a row of {cells.Length} cells in a table of {columns.Length} columns", nameof(cells));
        }

        _rows.Add([.. cells.Select(GatewayAdminClient.Printable)]);
    }

    public void Write(TextWriter output)
    {
        var widths = columns.Select((c, i) => Math.Max(c.Header.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        WriteLine(output, [.. columns.Select(c => c.Header)], widths);
        foreach (var row in _rows)
        {
            WriteLine(output, row, widths);
        }
    }

    private void WriteLine(TextWriter output, string[] cells, int[] widths)
    {
        var line = string.Join("  ", cells.Select((cell, i) =>
            columns[i].AlignRight ? cell.PadLeft(widths[i]) : i == cells.Length - 1 ? cell : cell.PadRight(widths[i])));
        output.WriteLine(line.TrimEnd());
    }
}

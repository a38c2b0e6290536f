using System.Text;
using SkiaSharp;
using SkiaSharp.HarfBuzz;

namespace Naqil.Documents.Rendering;

/// <summary>
/// The shipped Amiri font (SIL OFL, see <c>Fonts/OFL.txt</c>), loaded from this assembly so a
/// machine needs no font installed, and HarfBuzz shaping into Skia text blobs.
/// </summary>
/// <remarks>
/// Each blob carries the run's UTF-8 text and HarfBuzz's clusters (UTF-8 offsets) beside the
/// glyphs. Skia's PDF backend uses them: a glyph that stands for one character gets a ToUnicode
/// entry, a ligature or a cluster of several characters gets an <c>/ActualText</c> span. Without
/// them an Arabic glyph in its initial, medial or final form has no character at all, and text
/// extraction loses it. The glyphs are in visual order (right to left for Arabic); the text is in
/// logical order, and extractors such as pdftotext put the words back in reading order.
/// </remarks>
internal sealed class DocumentFont : IDisposable
{
    private const string ResourceName = "Naqil.Documents.Fonts.Amiri-Regular.ttf";

    private readonly SKTypeface _typeface;
    private readonly SKShaper _shaper;

    private DocumentFont(SKTypeface typeface)
    {
        _typeface = typeface;
        _shaper = new SKShaper(typeface);
    }

    public static DocumentFont LoadAmiri()
    {
        using var resource = typeof(DocumentFont).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The font resource {ResourceName} is missing from the assembly.");
        using var copy = new MemoryStream();
        resource.CopyTo(copy);
        using var data = SKData.CreateCopy(copy.ToArray());
        var typeface = SKTypeface.FromData(data) ?? throw new InvalidOperationException("The shipped font could not be loaded.");
        return new DocumentFont(typeface);
    }

    /// <summary>
    /// Shapes one run of a single direction: Arabic text (right to left), or text without Arabic
    /// (left to right). HarfBuzz does no bidi reordering, so digits or Latin letters inside Arabic
    /// text would come out reversed: such text is refused; give each direction its own run.
    /// </summary>
    public ShapedRun Shape(string text, float size)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rightToLeft = IsRightToLeft(text);
        if (rightToLeft && HasLeftToRight(text))
        {
            throw new ArgumentException($"\"{text}\" mixes Arabic with Latin letters or digits; split it into runs of one direction.", nameof(text));
        }

        var utf8 = Encoding.UTF8.GetBytes(text);
        using var buffer = new HarfBuzzSharp.Buffer();
        buffer.AddUtf8(utf8);
        buffer.Direction = rightToLeft ? HarfBuzzSharp.Direction.RightToLeft : HarfBuzzSharp.Direction.LeftToRight;
        buffer.Script = rightToLeft ? HarfBuzzSharp.Script.Arabic : HarfBuzzSharp.Script.Latin;
        buffer.Language = new HarfBuzzSharp.Language(rightToLeft ? "ar" : "en");
        using var font = new SKFont(_typeface, size);
        var result = _shaper.Shape(buffer, 0, 0, font);
        var glyphs = new ushort[result.Codepoints.Length];
        for (var i = 0; i < glyphs.Length; i++)
        {
            glyphs[i] = checked((ushort)result.Codepoints[i]);
        }

        return new ShapedRun(glyphs, result.Points, result.Clusters, utf8, result.Width, size, rightToLeft);
    }

    /// <summary>True when <paramref name="text"/> has Arabic: it is shaped right to left.</summary>
    public bool IsRightToLeft(string text) => text.Any(IsArabic);

    /// <summary>True when <paramref name="text"/> has Latin letters or digits, which read left to right.</summary>
    public bool HasLeftToRight(string text) => text.Any(char.IsAsciiLetterOrDigit);

    /// <summary>Draws <paramref name="run"/> with its left end at <paramref name="x"/> on <paramref name="baseline"/>.</summary>
    public void Draw(SKCanvas canvas, ShapedRun run, float x, float baseline, SKPaint paint)
    {
        using var font = new SKFont(_typeface, run.Size);
        using var builder = new SKTextBlobBuilder();
        var buffer = builder.AllocatePositionedTextRun(font, run.Glyphs.Length, run.Utf8.Length);
        run.Glyphs.CopyTo(buffer.Glyphs);
        run.Utf8.CopyTo(buffer.Text);
        run.Clusters.CopyTo(buffer.Clusters);
        var positions = buffer.Positions;
        for (var i = 0; i < run.Positions.Length; i++)
        {
            positions[i] = new SKPoint(run.Positions[i].X + x, run.Positions[i].Y);
        }

        using var blob = builder.Build();
        if (blob is not null)
        {
            canvas.DrawText(blob, 0, baseline, paint);
        }
    }

    public void Dispose()
    {
        _shaper.Dispose();
        _typeface.Dispose();
    }

    private static bool IsArabic(char c) => c is (>= '\u0600' and <= '\u06FF') or (>= '\u0750' and <= '\u077F') or (>= '\uFB50' and <= '\uFDFF') or (>= '\uFE70' and <= '\uFEFF');
}

/// <summary>A shaped run: glyphs in visual order with their positions (origin at the run's left end), clusters into the UTF-8 text.</summary>
internal sealed record ShapedRun(ushort[] Glyphs, SKPoint[] Positions, uint[] Clusters, byte[] Utf8, float Width, float Size, bool RightToLeft);

using SkiaSharp;

namespace Naqil.Documents.Rendering;

/// <summary>A rendered, not yet sealed, document and what its QR code says.</summary>
public sealed record RenderedDocument(byte[] Pdf, byte[] Payload, string Hash, Uri VerificationUrl);

/// <summary>
/// Renders a certified extract as a two-page A4 PDF with Skia's PDF backend: the Arabic part on
/// the first page (right to left), the English part on the second, each with the QR code of the
/// verification link. One language a page is deliberate: text extractors decide the reading
/// direction per page (poppler counts left-to-right against right-to-left letters), and on a page
/// that is mostly English they give Arabic words in visual order, the wrong way round.
/// Text is shaped with HarfBuzz in the shipped Amiri font, which is embedded (subset) with a
/// ToUnicode map, so the Arabic reads joined and extracts in logical order. The output depends
/// only on the arguments (the PDF's dates are the issue time), so rendering is repeatable.
/// </summary>
public static class ExtractRenderer
{
    private const float PageWidth = 595.28f;
    private const float PageHeight = 841.89f;
    private const float Margin = 45;
    private const float RowHeight = 18.5f;
    private const float BodySize = 12;
    private const float QrSize = 100;

    // The gap between a label and its value, in em: wide enough to be read as a space.
    private const float WordSpace = 0.3f;

    private static readonly SKColor Ink = new(0x1a, 0x1a, 0x1a);
    private static readonly SKColor Muted = new(0x55, 0x55, 0x55);
    private static readonly SKColor Accent = new(0x0b, 0x5d, 0x3b);

    public static RenderedDocument Render(ExtractContent content, DocumentInfo info)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(info);
        var payload = VerificationPayload.Create(content, info);
        var hash = VerificationPayload.Hash(payload);
        var url = VerificationPayload.VerificationUrl(info, hash);
        var issued = VerificationPayload.FormatTime(info.Issued);

        using var output = new MemoryStream();
        using (var stream = new SKManagedWStream(output))
        {
            var metadata = new SKDocumentPdfMetadata
            {
                Title = content.Title.English,
                Author = content.IssuerName.English,
                Subject = url.AbsoluteUri,
                Creator = "Naqil",
                Producer = "Naqil (Skia PDF)",
                Creation = info.Issued.UtcDateTime,
                Modified = info.Issued.UtcDateTime,
                RasterDpi = SKDocumentPdfMetadata.DefaultRasterDpi,
                EncodingQuality = SKDocumentPdfMetadata.DefaultEncodingQuality,
            };
            using var document = SKDocument.CreatePdf(stream, metadata);
            using var font = DocumentFont.LoadAmiri();
            DrawArabicPage(new PageWriter(document.BeginPage(PageWidth, PageHeight), font), content, info, issued, url);
            document.EndPage();
            DrawEnglishPage(new PageWriter(document.BeginPage(PageWidth, PageHeight), font), content, info, issued, url);
            document.EndPage();
            document.Close();
        }

        return new RenderedDocument(output.ToArray(), payload, hash, url);
    }

    private static void DrawArabicPage(PageWriter page, ExtractContent content, DocumentInfo info, string issued, Uri url)
    {
        var y = Heading(page, content);
        page.Right(content.Title.Arabic, 18, PageWidth - Margin, y, Ink);
        y += 28;
        page.ArabicRow("رقم الوثيقة", info.Id.ToString("D"), y);
        y += RowHeight;
        page.ArabicRow("تاريخ الإصدار", issued, y);
        foreach (var field in content.Fields)
        {
            y += RowHeight;
            page.ArabicRow(field.ArabicLabel, field.ArabicValue, y);
        }

        // The QR code at the bottom left; the explanation to its right, read from the right.
        var qrArea = QrCode(page, url);
        var line = qrArea.Top + 30;
        page.Right("للتحقق من هذه الوثيقة امسح الرمز أو افتح الرابط المطبوع في الصفحة الثانية.", 12, PageWidth - Margin, line, Ink);
        line += 22;
        page.Right("هذه الوثيقة مختومة إلكترونيا من " + content.IssuerName.Arabic + ".", 12, PageWidth - Margin, line, Ink);
    }

    private static void DrawEnglishPage(PageWriter page, ExtractContent content, DocumentInfo info, string issued, Uri url)
    {
        var y = Heading(page, content);
        page.Left(content.Title.English, 16, Margin, y, Ink);
        y += 28;
        page.EnglishRow("Document ID", info.Id.ToString("D"), y);
        y += RowHeight;
        page.EnglishRow("Issued", issued, y);
        foreach (var field in content.Fields)
        {
            y += RowHeight;
            page.EnglishRow(field.EnglishLabel, field.EnglishValue, y);
        }

        var qrArea = QrCode(page, url);
        var textLeft = qrArea.Right + 16;
        var line = qrArea.Top + 30;
        page.Left("To verify this document, scan the code or open the link below.", 11, textLeft, line, Ink);
        line += 18;
        page.Left($"Sealed electronically by the {content.IssuerName.English} (PAdES).", 11, textLeft, line, Ink);
        page.Left(url.AbsoluteUri, 7.5f, Margin, qrArea.Bottom + 14, Muted);
    }

    /// <summary>The issuer in both languages facing each other across the page, and a rule; returns the title's baseline.</summary>
    private static float Heading(PageWriter page, ExtractContent content)
    {
        var y = Margin + 14;
        page.Right(content.IssuerName.Arabic, 20, PageWidth - Margin, y, Accent);
        page.Left(content.IssuerName.English, 16, Margin, y, Accent);
        y += 14;
        page.Rule(y, Accent, 1.2f);
        return y + 34;
    }

    /// <summary>The QR code at the bottom left, clickable, under a rule; returns its square.</summary>
    private static SKRect QrCode(PageWriter page, Uri url)
    {
        var qrTop = PageHeight - Margin - QrSize - 16;
        page.Rule(qrTop - 14, Muted, 0.5f);
        var qrArea = new SKRect(Margin, qrTop, Margin + QrSize, qrTop + QrSize);
        QrCodeDrawing.Draw(page.Canvas, url.AbsoluteUri, qrArea);
        page.Canvas.DrawUrlAnnotation(qrArea, url.AbsoluteUri);
        return qrArea;
    }

    /// <summary>Shapes and places runs on one page.</summary>
    private sealed class PageWriter(SKCanvas canvas, DocumentFont font)
    {
        public SKCanvas Canvas => canvas;

        /// <summary>Draws <paramref name="text"/> ending at <paramref name="right"/> (how Arabic is aligned).</summary>
        public void Right(string text, float size, float right, float baseline, SKColor color)
        {
            var run = font.Shape(text, size);
            Draw(run, right - run.Width, baseline, color);
        }

        /// <summary>Draws <paramref name="text"/> starting at <paramref name="left"/>.</summary>
        public void Left(string text, float size, float left, float baseline, SKColor color) =>
            Draw(font.Shape(text, size), left, baseline, color);

        /// <summary>
        /// "label: value" read from the right: the value follows the label at one space's
        /// distance, so text extraction keeps them on one line in reading order.
        /// </summary>
        public void ArabicRow(string label, string value, float baseline)
        {
            var right = PageWidth - Margin;
            var labelRun = font.Shape(label + ":", BodySize);
            Draw(labelRun, right - labelRun.Width, baseline, Muted);
            var valueRun = font.Shape(value, BodySize);
            Draw(valueRun, right - labelRun.Width - (BodySize * WordSpace) - valueRun.Width, baseline, Ink);
        }

        /// <summary>"label: value" read from the left.</summary>
        public void EnglishRow(string label, string value, float baseline)
        {
            var labelRun = font.Shape(label + ":", BodySize);
            Draw(labelRun, Margin, baseline, Muted);
            Draw(font.Shape(value, BodySize), Margin + labelRun.Width + (BodySize * WordSpace), baseline, Ink);
        }

        public void Rule(float y, SKColor color, float width)
        {
            using var paint = new SKPaint { Color = color, StrokeWidth = width, IsAntialias = true, Style = SKPaintStyle.Stroke };
            canvas.DrawLine(Margin, y, PageWidth - Margin, y, paint);
        }

        private void Draw(ShapedRun run, float x, float baseline, SKColor color)
        {
            using var paint = new SKPaint { Color = color, IsAntialias = true };
            font.Draw(canvas, run, x, baseline, paint);
        }
    }
}

using QRCoder;
using SkiaSharp;

namespace Naqil.Documents.Rendering;

/// <summary>Draws a QR code (QRCoder, error correction M) as vector rectangles, one per run of dark modules in a row.</summary>
internal static class QrCodeDrawing
{
    /// <summary>Draws the code for <paramref name="text"/> in the square <paramref name="area"/>, quiet zone included.</summary>
    public static void Draw(SKCanvas canvas, string text, SKRect area)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var matrix = data.ModuleMatrix;
        var modules = matrix.Count;
        var size = Math.Min(area.Width, area.Height) / modules;
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = false, Style = SKPaintStyle.Fill };
        using var builder = new SKPathBuilder();
        for (var row = 0; row < modules; row++)
        {
            var column = 0;
            while (column < modules)
            {
                if (!matrix[row][column])
                {
                    column++;
                    continue;
                }

                var start = column;
                while (column < modules && matrix[row][column])
                {
                    column++;
                }

                builder.AddRect(new SKRect(area.Left + (start * size), area.Top + (row * size), area.Left + (column * size), area.Top + ((row + 1) * size)), SKPathDirection.Clockwise);
            }
        }

        using var path = builder.Detach();
        canvas.DrawPath(path, paint);
    }
}

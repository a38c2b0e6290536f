using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Naqil.Agencies.CivilRegistry;
using Naqil.Documents.Pdf;
using Naqil.Documents.Sealing;
using Naqil.Documents.Tests.Rendering;
using Naqil.Documents.Tests.TestEnvironment;
using Naqil.Documents.Validation;

namespace Naqil.Documents.Tests.Validation;

/// <summary>Inputs made to hurt: each gives a verdict or a refusal, quickly, and nothing escapes.</summary>
public sealed class HostileInputTests : IDisposable
{
    private readonly TestPki _pki = TestPki.Create();
    private readonly TempDirectory _directory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("")]
    [InlineData("hello, I am not a PDF")]
    [InlineData("%PDF-1.7\n")]
    [InlineData("%PDF-1.7\nstartxref\n99999999999999999999\n%%EOF")]
    [InlineData("%PDF-1.7\nstartxref\n9\n%%EOF")]
    public void Validate_NotAReadablePdf_IsRefusedSayingWhy(string input)
    {
        var report = Validator().ValidatePdf(Encoding.Latin1.GetBytes(input), "input.pdf");

        Assert.NotNull(report.Refusal);
        Assert.Null(report.Indication);
        Assert.Contains("input.pdf", report.Refusal, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.97)]
    [InlineData(0.999)]
    public async Task Validate_TruncatedSealedFile_RefusedOrNotPassed(double kept)
    {
        var sealedPdf = await SealAsync(PadesLevel.BaselineLTA);
        var truncated = sealedPdf[..(int)(sealedPdf.Length * kept)];

        var report = Validator().ValidatePdf(truncated);

        Assert.True(report.Refusal is not null || report.Indication != Indication.TotalPassed, report.Refusal ?? report.Indication.ToString());
    }

    [Fact]
    public async Task Validate_ByteRangePastTheEndOfTheFile_IndeterminateSignedDataNotFound()
    {
        var sealedPdf = await SealAsync(PadesLevel.BaselineT);
        var range = SealedPdf.ReadAll(sealedPdf)[0].ByteRange;
        var text = Encoding.Latin1.GetString(sealedPdf);
        var written = $"[{range[0]} {range[1]} {range[2]} {range[3]}]";
        var at = text.IndexOf(written, StringComparison.Ordinal);
        var longer = $"[{range[0]} {range[1]} {range[2]} {range[3] + 5000}]";
        Encoding.Latin1.GetBytes(longer).CopyTo(sealedPdf, at); // The placeholder was padded with spaces: room for a digit.

        var report = Validator().ValidatePdf(sealedPdf);

        Assert.Equal(Indication.Indeterminate, report.Indication);
        Assert.Equal(SubIndication.SignedDataNotFound, report.SubIndication);
    }

    [Fact]
    public void ValidateFile_OverTheSizeLimit_RefusedUnreadWithTheLimitNamed()
    {
        var path = Path.Combine(_directory.Path, "huge.pdf");
        using (var stream = File.Create(path))
        {
            stream.SetLength(100L * 1024 * 1024); // Sparse: nothing is written.
        }

        var stopwatch = Stopwatch.StartNew();
        var report = Validator().ValidatePdfFile(path);

        Assert.NotNull(report.Refusal);
        Assert.Contains("104857600 bytes, over the limit of 52428800 bytes", report.Refusal, StringComparison.Ordinal);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Validate_ConfiguredLimit_AppliesToBytesToo()
    {
        var sealedPdf = await SealAsync(PadesLevel.BaselineB);

        var report = new DocumentValidator(new ValidationOptions { MaxInputBytes = 1000 }, TimeProvider.System).ValidatePdf(sealedPdf);

        Assert.Contains("over the limit of 1000 bytes", report.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DeepNesting_RefusedWithoutExhaustingTheStack()
    {
        var deep = new string('[', 200_000) + new string(']', 200_000);
        var pdf = MinimalPdf.Build($"<</Type /Catalog /AcroForm <</Fields {deep}>> >>");

        var report = Validator().ValidatePdf(pdf);

        Assert.Contains("nested more than 64 deep", report.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_HugeObjectCountInTheCrossReferenceTable_Refused()
    {
        var pdf = Encoding.Latin1.GetBytes("%PDF-1.7\n1 0 obj\n<</Type /Catalog>>\nendobj\nxref\n0 2000000000\n0000000000 65535 f \ntrailer\n<</Size 2000000000 /Root 1 0 R>>\nstartxref\n43\n%%EOF\n");

        var report = Validator().ValidatePdf(pdf);

        Assert.Contains("more than 1000000 objects", report.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_FieldsThatContainThemselves_RefusedAfterABoundedWalk()
    {
        var pdf = MinimalPdf.Build("<</Type /Catalog /AcroForm <</Fields [2 0 R]>> >>", "<</FT /Sig /Kids [2 0 R 2 0 R]>>");

        var stopwatch = Stopwatch.StartNew();
        var report = Validator().ValidatePdf(pdf);

        Assert.Contains("more than 1000 fields", report.Refusal, StringComparison.Ordinal);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Validate_DssWithALyingLengthAndAnInflationBomb_BoundedAndReported()
    {
        var sealedPdf = await SealAsync(PadesLevel.BaselineT);
        using var bombData = new MemoryStream();
        using (var zlib = new ZLibStream(bombData, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(new byte[64 * 1024 * 1024]);
        }

        var file = PdfFile.Read(sealedPdf);
        var catalog = file.GetDictionary(file.RootReference);
        catalog["DSS"] = new PdfReference(file.Size, 0);
        var size = file.Size;
        var objects = new List<(int, byte[])>
        {
            (file.RootReference.Number, Encoding.Latin1.GetBytes(catalog.ToString())),
            (size, Encoding.Latin1.GetBytes($"<</Type /DSS /Certs [{size + 1} 0 R {size + 2} 0 R]>>")),
            (size + 1, [.. Encoding.Latin1.GetBytes($"<</Length {bombData.Length} /Filter /FlateDecode>>\nstream\n"), .. bombData.ToArray(), .. "\nendstream"u8]),
            (size + 2, [.. "<</Length 999999>>\nstream\n"u8, .. _pki.SealCa.RawData, .. "\nendstream"u8]),
        };

        var stopwatch = Stopwatch.StartNew();
        var report = Validator().ValidatePdf(AppendUpdate(sealedPdf, file, objects, size + 3));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), stopwatch.Elapsed.ToString());
        var seal = Assert.Single(report.Signatures);
        var data = seal.Checks.Single(c => c.Name == "validation-data").Detail;
        Assert.Contains("1 certificate(s)", data, StringComparison.Ordinal); // The lying /Length is not believed; the data is still read.
        Assert.Contains($"inflates to more than {PdfSignatureReader.MaxDssItemBytes} bytes", data, StringComparison.Ordinal);
        Assert.Equal(SubIndication.TryLater, seal.SubIndication); // A DSS without revocation data.
    }

    [Theory]
    [InlineData("random")]
    [InlineData("certificate")]
    [InlineData("truncated")]
    public async Task Validate_GarbageInContents_TotalFailedFormatFailure(string garbage)
    {
        var sealedPdf = await SealAsync(PadesLevel.BaselineT);
        var signature = SealedPdf.ReadAll(sealedPdf)[0];
        var bytes = garbage switch
        {
            "random" => Enumerable.Range(0, 600).Select(i => (byte)((i * 7919) + 13)).ToArray(),
            "certificate" => _pki.Root.RawData,
            _ => signature.Contents[..(signature.Contents.Length / 2)],
        };
        var hex = Encoding.Latin1.GetBytes(Convert.ToHexString(bytes).PadRight((int)(signature.ByteRange[2] - signature.ByteRange[1] - 2), '0'));
        hex.CopyTo(sealedPdf.AsSpan((int)signature.ByteRange[1] + 1));

        var report = Validator().ValidatePdf(sealedPdf);

        Assert.Equal(Indication.TotalFailed, report.Indication);
        Assert.Equal(SubIndication.FormatFailure, report.SubIndication);
    }

    public void Dispose()
    {
        _directory.Dispose();
        _pki.Dispose();
    }

    private DocumentValidator Validator() => new(new ValidationOptions { TrustAnchors = [TestPki.Public(_pki.Root)] }, TimeProvider.System);

    private Task<byte[]> SealAsync(PadesLevel level) =>
        new PadesSealer(TimeProvider.System).SealAsync(
            CivilRecordExtract.Render(SyntheticPersons.All[0], ExtractRendererTests.Info).Pdf,
            _pki.SealKey,
            level >= PadesLevel.BaselineT ? new InProcessTsa(_pki) : null,
            level >= PadesLevel.BaselineLT ? new TestRevocation(_pki) : null,
            level,
            Ct);

    /// <summary>An incremental update of raw object bodies (which <see cref="IncrementalUpdate"/> would write honestly).</summary>
    private static byte[] AppendUpdate(byte[] pdf, PdfFile file, List<(int Number, byte[] Body)> objects, int size)
    {
        using var output = new MemoryStream();
        output.Write(pdf);
        var offsets = new List<(int Number, long Offset)>();
        foreach (var (number, body) in objects.OrderBy(o => o.Number))
        {
            offsets.Add((number, output.Position));
            output.Write(Encoding.Latin1.GetBytes($"{number} 0 obj\n"));
            output.Write(body);
            output.Write("\nendobj\n"u8);
        }

        var xref = output.Position;
        var table = new StringBuilder("xref\n");
        foreach (var (number, offset) in offsets)
        {
            table.Append(CultureInfo.InvariantCulture, $"{number} 1\n{offset:D10} 00000 n \n");
        }

        table.Append(CultureInfo.InvariantCulture, $"trailer\n<</Size {size} /Root {file.RootReference} /Prev {file.StartXref}>>\nstartxref\n{xref}\n%%EOF\n");
        output.Write(Encoding.Latin1.GetBytes(table.ToString()));
        return output.ToArray();
    }
}

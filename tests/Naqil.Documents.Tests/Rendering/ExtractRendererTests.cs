using Naqil.Agencies.CivilRegistry;
using Naqil.Documents.Rendering;
using Naqil.Documents.Tests.TestEnvironment;
using Naqil.Tests.Shared;

namespace Naqil.Documents.Tests.Rendering;

public sealed class ExtractRendererTests
{
    internal static readonly DocumentInfo Info = new(
        Guid.Parse("3f2c6a52-8d0e-4c1b-9a57-2f1e0c9d7b41"),
        new DateTimeOffset(2025, 6, 1, 9, 30, 0, TimeSpan.Zero),
        new Uri("https://verify.sy.naqil.example/"));

    [Fact]
    public async Task Render_Pdftotext_ExtractsArabicWordsInLogicalOrderThenTheEnglishPart()
    {
        var pdftotext = ExternalTool.Find("pdftotext", "poppler-utils");

        // The fourth sample person's father is عبد الله: a two-word value shows the order within a value too.
        var person = SyntheticPersons.All[3];
        Assert.Equal("عبد الله", person.FatherName);
        var rendered = CivilRecordExtract.Render(person, Info);
        using var directory = new TempDirectory();
        var pdf = directory.Write("extract.pdf", rendered.Pdf);

        var (exitCode, output) = await ExternalTool.RunAsync(pdftotext, "-enc", "UTF-8", pdf, "-");

        Assert.True(exitCode == 0, output);
        var arabicLines = output.Split('\n').Select(ArabicWords).Where(words => words.Length > 0).Select(words => string.Join(' ', words)).ToList();
        Assert.Contains("السجل المدني", arabicLines);
        Assert.Contains("إخراج قيد فردي", arabicLines);
        Assert.Contains($"الاسم {person.GivenName}", arabicLines);
        Assert.Contains($"الشهرة {person.FamilyName}", arabicLines);
        Assert.Contains("اسم الأب عبد الله", arabicLines);
        Assert.Contains($"مكان الولادة {person.BirthPlace}", arabicLines);
        Assert.Contains("للتحقق من هذه الوثيقة امسح الرمز أو افتح الرابط المطبوع في الصفحة الثانية", arabicLines);
        Assert.Contains("هذه الوثيقة مختومة إلكترونيا من السجل المدني", arabicLines);

        var text = WithoutBidiControls(output);
        Assert.Contains($"Given name: {person.GivenNameLatin}", text, StringComparison.Ordinal);
        Assert.Contains($"Family name: {person.FamilyNameLatin}", text, StringComparison.Ordinal);
        Assert.Contains($"National ID: {person.NationalId}", text, StringComparison.Ordinal);
        Assert.Contains($"Document ID: {Info.Id:D}", text, StringComparison.Ordinal);
        Assert.Contains("Issued: 2025-06-01T09:30:00Z", text, StringComparison.Ordinal);
        Assert.Contains(rendered.VerificationUrl.AbsoluteUri, text, StringComparison.Ordinal);
        Assert.True(
            text.IndexOf("إخراج قيد فردي", StringComparison.Ordinal) < text.IndexOf("Certified extract", StringComparison.Ordinal),
            "The Arabic part comes first.");
    }

    [Fact]
    public async Task Render_Pdffonts_EmbedsTheShippedFontAsASubsetWithToUnicode()
    {
        var pdffonts = ExternalTool.Find("pdffonts", "poppler-utils");
        var rendered = CivilRecordExtract.Render(SyntheticPersons.All[0], Info);
        using var directory = new TempDirectory();

        var (exitCode, output) = await ExternalTool.RunAsync(pdffonts, directory.Write("extract.pdf", rendered.Pdf));

        Assert.True(exitCode == 0, output);
        var fonts = output.Split('\n').Skip(2).Where(line => line.Length > 0).ToList();
        Assert.NotEmpty(fonts);
        Assert.All(fonts, line => Assert.Matches(@"^[A-Z]{6}\+Amiri-Regular +CID TrueType +Identity-H +yes +yes +yes ", line));
    }

    [Fact]
    public void Render_TheSameArguments_GiveTheSameBytes()
    {
        var first = CivilRecordExtract.Render(SyntheticPersons.All[0], Info);
        var second = CivilRecordExtract.Render(SyntheticPersons.All[0], Info);

        Assert.Equal(first.Pdf, second.Pdf);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(first.Pdf, 0, 5), StringComparison.Ordinal);
    }

    [Fact]
    public void VerificationUrl_IsTheBaseTheIdAndTheHashOfThePayload()
    {
        var person = SyntheticPersons.All[0];
        var rendered = CivilRecordExtract.Render(person, Info);

        var payload = System.Text.Encoding.UTF8.GetString(rendered.Payload);
        Assert.StartsWith("naqil-document-v1\ntype: civil-record-extract\nid: 3f2c6a52-8d0e-4c1b-9a57-2f1e0c9d7b41\nissued: 2025-06-01T09:30:00Z\nissuer: SY/GOV/CIVREG\n", payload, StringComparison.Ordinal);
        Assert.Contains($"\ngiven-name.ar: {person.GivenName}\ngiven-name.en: {person.GivenNameLatin}\n", payload, StringComparison.Ordinal);
        Assert.EndsWith("\n", payload, StringComparison.Ordinal);
        var expectedHash = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(rendered.Payload)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.Equal(expectedHash, rendered.Hash);
        Assert.Equal($"https://verify.sy.naqil.example/documents/{Info.Id:D}?h={expectedHash}", rendered.VerificationUrl.AbsoluteUri);
        var link = System.Text.Encoding.ASCII.GetBytes("/URI (" + rendered.VerificationUrl.AbsoluteUri + ")");
        Assert.True(rendered.Pdf.AsSpan().IndexOf(link) >= 0, "The QR code is a link to the verification URL.");
    }

    [Fact]
    public void VerificationPayload_AnotherValue_AnotherHash()
    {
        var person = SyntheticPersons.All[0];
        var original = CivilRecordExtract.Render(person, Info);
        var changed = CivilRecordExtract.Render(person with { BirthPlace = "حلب" }, Info);

        Assert.NotEqual(original.Hash, changed.Hash);
    }

    [Fact]
    public void Render_ArabicMixedWithDigitsInOneValue_IsRefused()
    {
        var person = SyntheticPersons.All[0] with { FamilyName = "الحلبي 2" };

        var error = Assert.Throws<ArgumentException>(() => CivilRecordExtract.Render(person, Info));
        Assert.Contains("one direction", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The Arabic words of a line, in the order the extractor gives them.</summary>
    private static string[] ArabicWords(string line) =>
        [.. System.Text.RegularExpressions.Regex.Matches(line, "[\u0621-\u064A\u0671-\u06D3]+").Select(match => match.Value)];

    /// <summary>pdftotext marks right-to-left runs with embedding controls (U+202A–U+202E); the words are what count.</summary>
    internal static string WithoutBidiControls(string text) =>
        new(text.Where(c => c is not ('\u202A' or '\u202B' or '\u202C' or '\u202D' or '\u202E' or '\u200E' or '\u200F')).ToArray());
}

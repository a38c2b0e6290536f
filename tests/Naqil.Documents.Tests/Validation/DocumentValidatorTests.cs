using System.Text;
using System.Text.Json;
using Naqil.Agencies.CivilRegistry;
using Naqil.Documents.Pdf;
using Naqil.Documents.Sealing;
using Naqil.Documents.Tests.Rendering;
using Naqil.Documents.Tests.TestEnvironment;
using Naqil.Documents.Validation;

namespace Naqil.Documents.Tests.Validation;

/// <summary>Sealed extracts validated offline against the test root: the verdicts EN 319 102-1 gives and why.</summary>
public sealed class DocumentValidatorTests : IDisposable
{
    private readonly TestPki _pki = TestPki.Create();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Validate_BaselineLT_TotalPassedAtLevelBLTWithTheProvenTimeAndRevocation()
    {
        var report = Validator().ValidatePdf(await SealAsync(PadesLevel.BaselineLT));

        Assert.Null(report.Refusal);
        Assert.Equal(Indication.TotalPassed, report.Indication);
        var seal = Assert.Single(report.Signatures);
        Assert.Equal(Indication.TotalPassed, seal.Indication);
        Assert.Null(seal.SubIndication);
        Assert.Equal("B-LT", seal.Level);
        Assert.Equal("Seal1", seal.Id);
        Assert.Equal("CN=Civil Registry Seal, O=Civil Registry, C=SY", seal.Signer!.Subject);
        Assert.NotNull(seal.ProvenSigningTime);
        Assert.True(seal.ProvenSigningTime <= DateTimeOffset.UtcNow && seal.ProvenSigningTime > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Equal(Indication.TotalPassed, Assert.Single(seal.Timestamps).Indication);
        Assert.Equal(["good", "good"], seal.Revocation.Select(r => r.Status));
        Assert.Equal(["OCSP", "CRL"], seal.Revocation.Select(r => r.Source));
        Assert.Equal(
            ["byte-range", "format", "signing-certificate", "message-digest", "signature-value", "signature-timestamp", "certificate-chain", "revocation", "validation-data", "modifications"],
            seal.Checks.Select(c => c.Name));
        Assert.All(seal.Checks, c => Assert.Equal(CheckResult.Passed, c.Result));
    }

    [Fact]
    public async Task Validate_BaselineLTA_TheSealReachesBLTAAndTheDocumentTimestampPasses()
    {
        var report = Validator().ValidatePdf(await SealAsync(PadesLevel.BaselineLTA));

        Assert.Equal(Indication.TotalPassed, report.Indication);
        Assert.Equal(2, report.Signatures.Count);
        var seal = report.Signatures[0];
        var documentTimestamp = report.Signatures[1];
        Assert.Equal("B-LTA", seal.Level);
        Assert.Equal(Indication.TotalPassed, seal.Indication);
        var modifications = seal.Checks.Single(c => c.Name == "modifications");
        Assert.Equal(CheckResult.Passed, modifications.Result);
        Assert.Contains("the 2 later revision(s) only add validation data and signature fields", modifications.Detail, StringComparison.Ordinal);
        Assert.Equal("document-timestamp", documentTimestamp.Kind);
        Assert.Equal(Indication.TotalPassed, documentTimestamp.Indication);
        Assert.Equal("CN=Naqil Test TSA, O=Naqil, C=SY", documentTimestamp.Signer!.Subject);
        Assert.True(documentTimestamp.ProvenSigningTime >= seal.ProvenSigningTime);
    }

    [Fact]
    public async Task Validate_BaselineB_NoRevocationDataInTheFile_IndeterminateTryLater()
    {
        var report = Validator().ValidatePdf(await SealAsync(PadesLevel.BaselineB));

        var seal = Assert.Single(report.Signatures);
        Assert.Equal(Indication.Indeterminate, seal.Indication);
        Assert.Equal(SubIndication.TryLater, seal.SubIndication);
        Assert.Equal("B-B", seal.Level);
        Assert.Null(seal.ProvenSigningTime);
    }

    [Fact]
    public async Task Validate_BaselineTWithRevocationDataGivenBeside_TotalPassedAtBT()
    {
        var revocation = new TestRevocation(_pki);
        var sealedPdf = await SealAsync(PadesLevel.BaselineT);
        await revocation.GetAsync(_pki.Seal, _pki.SealCa, Ct);
        await revocation.GetAsync(_pki.SealCa, _pki.Root, Ct);
        await revocation.GetAsync(_pki.Tsa, _pki.Root, Ct);

        var report = Validator(extra: [.. revocation.OcspResponses, .. revocation.Crls]).ValidatePdf(sealedPdf);

        var seal = Assert.Single(report.Signatures);
        Assert.Equal(Indication.TotalPassed, seal.Indication);
        Assert.Equal("B-T", seal.Level); // Data from outside the file does not make it B-LT.
    }

    [Fact]
    public async Task Validate_OneByteChangedInTheSignedRange_TotalFailedHashFailure()
    {
        var sealedPdf = await SealAsync(PadesLevel.BaselineLT);
        var at = Encoding.Latin1.GetString(sealedPdf).IndexOf("(Naqil)", StringComparison.Ordinal) + 5;
        sealedPdf[at] = (byte)'m';

        var report = Validator().ValidatePdf(sealedPdf);

        Assert.Equal(Indication.TotalFailed, report.Indication);
        Assert.Equal(SubIndication.HashFailure, report.SubIndication);
        Assert.Equal(CheckResult.Failed, report.Signatures[0].Checks.Single(c => c.Name == "message-digest").Result);
    }

    [Fact]
    public async Task Validate_IncrementalUpdateChangingThePage_NotPassedAndNamesTheObject()
    {
        var sealedPdf = await SealAsync(PadesLevel.BaselineLT);
        var file = PdfFile.Read(sealedPdf);
        var update = new IncrementalUpdate(file);
        var content = update.Allocate();
        update.SetStream(content, "BT /F1 24 Tf 100 700 Td (Forged) Tj ET"u8);
        var pageReference = file.FirstPage();
        var page = file.GetDictionary(pageReference);
        page["Contents"] = content;
        update.Set(pageReference, page);

        var report = Validator().ValidatePdf(update.Build());

        var seal = Assert.Single(report.Signatures);
        Assert.Equal(Indication.Indeterminate, seal.Indication);
        Assert.Equal(SubIndication.SigConstraintsFailure, seal.SubIndication);
        var modifications = seal.Checks.Single(c => c.Name == "modifications");
        Assert.Contains($"object {pageReference.Number} (a page) had /Contents changed after signing", modifications.Detail, StringComparison.Ordinal);
        Assert.Equal(CheckResult.Passed, seal.Checks.Single(c => c.Name == "message-digest").Result);
    }

    [Fact]
    public async Task Validate_IncrementalUpdateAddingAnAnnotation_NotPassed()
    {
        var sealedPdf = await SealAsync(PadesLevel.BaselineLT);
        var file = PdfFile.Read(sealedPdf);
        var update = new IncrementalUpdate(file);
        var note = update.Allocate();
        update.Set(note, new PdfParser("<</Type /Annot /Subtype /FreeText /Rect [100 100 400 200] /Contents (Void)>>", 0).ReadValue());
        var pageReference = file.FirstPage();
        var page = file.GetDictionary(pageReference);
        ((PdfArray)page["Annots"]!).Items.Add(note);
        update.Set(pageReference, page);

        var report = Validator().ValidatePdf(update.Build());

        Assert.Equal(SubIndication.SigConstraintsFailure, report.Signatures[0].SubIndication);
        Assert.Contains("(FreeText) that is not a signature was added", report.Signatures[0].Checks.Single(c => c.Name == "modifications").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_ACommentAppended_ChangesNothingAReaderSees()
    {
        var sealedPdf = await SealAsync(PadesLevel.BaselineLT);

        var withComment = Validator().ValidatePdf([.. sealedPdf, .. "% a comment\n"u8]);
        var withGarbage = Validator().ValidatePdf([.. sealedPdf, .. "1 0 obj (x) endobj\n"u8]);

        Assert.Equal(Indication.TotalPassed, withComment.Indication);
        Assert.Equal(SubIndication.SigConstraintsFailure, withGarbage.SubIndication);
    }

    [Fact]
    public async Task Validate_ContentsSwappedFromAnotherSealedFile_TotalFailedHashFailure()
    {
        var first = await SealAsync(PadesLevel.BaselineT);
        var second = await SealAsync(PadesLevel.BaselineT, person: 1);
        var a = SealedPdf.ReadAll(first)[0].ByteRange;
        var b = SealedPdf.ReadAll(second)[0].ByteRange;
        Assert.Equal(a[2] - a[1], b[2] - b[1]);
        second.AsSpan((int)b[1], (int)(b[2] - b[1])).CopyTo(first.AsSpan((int)a[1]));

        var report = Validator().ValidatePdf(first);

        Assert.Equal(Indication.TotalFailed, report.Indication);
        Assert.Equal(SubIndication.HashFailure, report.SubIndication);
    }

    [Fact]
    public async Task Validate_SealOfAnotherPki_IndeterminateNoCertificateChainFound()
    {
        using var other = TestPki.Create();
        var sealedPdf = await new PadesSealer(TimeProvider.System).SealAsync(
            Render(), other.SealKey, new InProcessTsa(other), new TestRevocation(other), PadesLevel.BaselineLT, Ct);

        var report = Validator().ValidatePdf(sealedPdf);

        var seal = Assert.Single(report.Signatures);
        Assert.Equal(Indication.Indeterminate, seal.Indication);
        Assert.Equal(SubIndication.NoCertificateChainFound, seal.SubIndication);
        Assert.Equal("B-B", seal.Level);
        Assert.Equal(SubIndication.NoCertificateChainFound, Assert.Single(seal.Timestamps).SubIndication);
    }

    [Fact]
    public async Task Validate_SealRevokedBeforeTheTimestamp_IndeterminateRevokedNoPoe()
    {
        var revocation = new TestRevocation(_pki) { SealRevokedAt = () => DateTimeOffset.UtcNow.AddMinutes(-2) };
        var sealedPdf = await new PadesSealer(TimeProvider.System).SealAsync(Render(), _pki.SealKey, new InProcessTsa(_pki), revocation, PadesLevel.BaselineLT, Ct);

        var report = Validator().ValidatePdf(sealedPdf);

        // A timestamp proves the signature existed by its time, not that it was made after the
        // revocation: EN 319 102-1 keeps TOTAL-FAILED/REVOKED for that proof (docs/documents.md).
        var seal = Assert.Single(report.Signatures);
        Assert.Equal(Indication.Indeterminate, seal.Indication);
        Assert.Equal(SubIndication.RevokedNoPoe, seal.SubIndication);
        var status = seal.Revocation.Single(r => r.Subject == _pki.Seal.Subject);
        Assert.Equal("revoked", status.Status);
        Assert.Equal(revocation.SealRevokedAtGiven!.Value.ToUnixTimeSeconds(), status.RevocationTime!.Value.ToUnixTimeSeconds());
        Assert.True(status.RevocationTime < seal.ProvenSigningTime);
    }

    [Fact]
    public async Task Validate_SealRevokedAfterTheTimestamp_TotalPassed()
    {
        var revocation = new TestRevocation(_pki)
        {
            // OCSP writes whole seconds: two seconds on, strictly after the token's time.
            SealRevokedAt = () => DateTimeOffset.UtcNow.AddSeconds(2),
        };
        var sealedPdf = await new PadesSealer(TimeProvider.System).SealAsync(Render(), _pki.SealKey, new InProcessTsa(_pki), revocation, PadesLevel.BaselineLTA, Ct);

        // Validated a minute later, when the revocation has happened.
        var report = Validator(at: DateTimeOffset.UtcNow.AddMinutes(1)).ValidatePdf(sealedPdf);

        var seal = report.Signatures[0];
        Assert.True(seal.Indication == Indication.TotalPassed, Text(report));
        Assert.Equal("B-LTA", seal.Level);
        var status = seal.Revocation.Single(r => r.Subject == _pki.Seal.Subject);
        Assert.Equal("revoked", status.Status);
        Assert.True(seal.ProvenSigningTime < status.RevocationTime);
        Assert.Contains("proven to exist", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_AfterTheTsaCertificateExpired_TheTimestampsProveNothingAndTheVerdictIsIndeterminate()
    {
        var sealedPdf = await SealAsync(PadesLevel.BaselineLTA);

        // The TSA certificate lives 10 days, the seal certificate 20, the root 30.
        var afterTsa = Validator(at: DateTimeOffset.UtcNow.AddDays(15)).ValidatePdf(sealedPdf);
        var afterSeal = Validator(at: DateTimeOffset.UtcNow.AddDays(25)).ValidatePdf(sealedPdf);

        // An expired TSA certificate with no later proof of existence (no newer archive timestamp)
        // makes its tokens INDETERMINATE/OUT_OF_BOUNDS_NO_POE, so they prove no time. The seal is
        // then judged at the validation time: its certificate is still valid but the revocation data
        // is stale (TRY_LATER); once it has expired too, OUT_OF_BOUNDS_NO_POE.
        Assert.All(afterTsa.Signatures.SelectMany(s => s.Timestamps), t => Assert.Equal(SubIndication.OutOfBoundsNoPoe, t.SubIndication));
        Assert.Equal(SubIndication.OutOfBoundsNoPoe, afterTsa.Signatures[1].SubIndication);
        Assert.Equal(Indication.Indeterminate, afterTsa.Signatures[0].Indication);
        Assert.Equal(SubIndication.TryLater, afterTsa.Signatures[0].SubIndication);
        Assert.Null(afterTsa.Signatures[0].ProvenSigningTime);
        Assert.Equal(Indication.Indeterminate, afterSeal.Signatures[0].Indication);
        Assert.Equal(SubIndication.OutOfBoundsNoPoe, afterSeal.Signatures[0].SubIndication);
    }

    [Fact]
    public async Task Report_Json_HasTheDocumentedFieldNamesAndTheStandardsWords()
    {
        var report = Validator().ValidatePdf(await SealAsync(PadesLevel.BaselineLTA), "extract.pdf");

        using var json = JsonDocument.Parse(ValidationReportWriter.ToJson(report));
        var root = json.RootElement;
        Assert.Equal("extract.pdf", root.GetProperty("file").GetString());
        Assert.Equal("PAdES", root.GetProperty("format").GetString());
        Assert.Equal("TOTAL-PASSED", root.GetProperty("indication").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("subIndication").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("refusal").ValueKind);
        Assert.Equal("CN=Naqil Test Root, O=Naqil, C=SY", root.GetProperty("trustAnchors")[0].GetString());
        var seal = root.GetProperty("signatures")[0];
        Assert.Equal("B-LTA", seal.GetProperty("level").GetString());
        Assert.Equal("signature", seal.GetProperty("kind").GetString());
        Assert.Equal("CN=Civil Registry Seal, O=Civil Registry, C=SY", seal.GetProperty("signer").GetProperty("subject").GetString());
        Assert.True(seal.GetProperty("provenSigningTime").TryGetDateTimeOffset(out _));
        Assert.True(seal.GetProperty("claimedSigningTime").TryGetDateTimeOffset(out _));
        Assert.Equal("signature-timestamp", seal.GetProperty("timestamps")[0].GetProperty("kind").GetString());
        Assert.Equal("good", seal.GetProperty("revocation")[0].GetProperty("status").GetString());
        Assert.Equal("PASSED", seal.GetProperty("checks")[0].GetProperty("result").GetString());
        var text = new StringWriter();
        ValidationReportWriter.WriteText(report, text);
        Assert.EndsWith("Result: TOTAL-PASSED" + Environment.NewLine, text.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => _pki.Dispose();

    private static string Text(ValidationReport report)
    {
        var output = new StringWriter();
        ValidationReportWriter.WriteText(report, output);
        return output.ToString();
    }

    internal DocumentValidator Validator(DateTimeOffset? at = null, IReadOnlyList<byte[]>? extra = null) =>
        new(new ValidationOptions { TrustAnchors = [TestPki.Public(_pki.Root)], ExtraRevocationData = extra ?? [] }, at is { } time ? new FixedTime(time) : TimeProvider.System);

    private static byte[] Render(int person = 0) => CivilRecordExtract.Render(SyntheticPersons.All[person], ExtractRendererTests.Info).Pdf;

    private Task<byte[]> SealAsync(PadesLevel level, int person = 0) =>
        new PadesSealer(TimeProvider.System).SealAsync(
            Render(person),
            _pki.SealKey,
            level >= PadesLevel.BaselineT ? new InProcessTsa(_pki) : null,
            level >= PadesLevel.BaselineLT ? new TestRevocation(_pki) : null,
            level,
            Ct);
}

/// <summary>A clock standing at one time.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

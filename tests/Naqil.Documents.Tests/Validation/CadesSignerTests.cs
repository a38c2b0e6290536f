using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using Naqil.Documents.Sealing;
using Naqil.Documents.Tests.TestEnvironment;
using Naqil.Documents.Validation;
using Naqil.Tests.Shared;

namespace Naqil.Documents.Tests.Validation;

/// <summary>Detached CAdES B-T (.p7s) over any file: made by <see cref="CadesSigner"/>, checked by the validator and by openssl.</summary>
public sealed class CadesSignerTests : IDisposable
{
    private static readonly byte[] Data = "a file of any kind, e.g. a CSV export\n"u8.ToArray();

    private readonly TestPki _pki = TestPki.Create();
    private readonly TempDirectory _directory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sign_Detached_SigningCertificateV2AndASignatureTimestampAndNoContent()
    {
        var p7s = await CadesSigner.SignAsync(Data, _pki.SealKey, new InProcessTsa(_pki), Ct);

        var cms = new SignedCms(new ContentInfo(Data), detached: true);
        cms.Decode(p7s);
        cms.CheckSignature(verifySignatureOnly: true);
        Assert.True(cms.Detached);
        var signer = Assert.Single(cms.SignerInfos.Cast<SignerInfo>());
        Assert.Contains(signer.SignedAttributes.Cast<CryptographicAttributeObject>(), a => a.Oid.Value == CadesSignature.SigningCertificateV2Oid);
        Assert.Equal(CadesSignature.SignatureTimeStampTokenOid, Assert.Single(signer.UnsignedAttributes.Cast<CryptographicAttributeObject>()).Oid.Value);
        Assert.True(p7s.AsSpan().IndexOf(Data) < 0);
    }

    [Fact]
    public async Task Validate_WithRevocationDataGiven_TotalPassedAtBT()
    {
        var p7s = await CadesSigner.SignAsync(Data, _pki.SealKey, new InProcessTsa(_pki), Ct);

        var report = Validator(await RevocationAsync()).ValidateDetached(Data, p7s, "export.csv");

        Assert.Equal("CAdES", report.Format);
        var signature = Assert.Single(report.Signatures);
        Assert.Equal(Indication.TotalPassed, signature.Indication);
        Assert.Equal("B-T", signature.Level);
        Assert.Equal(_pki.Seal.Subject, signature.Signer!.Subject);
        Assert.NotNull(signature.ProvenSigningTime);
    }

    [Fact]
    public async Task Validate_WithoutRevocationData_IndeterminateTryLater()
    {
        var p7s = await CadesSigner.SignAsync(Data, _pki.SealKey, new InProcessTsa(_pki), Ct);

        var report = Validator([]).ValidateDetached(Data, p7s);

        Assert.Equal(Indication.Indeterminate, report.Indication);
        Assert.Equal(SubIndication.TryLater, report.SubIndication);

        // Without the TSA certificate's revocation data the timestamp proves nothing either: B-B verified.
        Assert.Equal("B-B", report.Signatures[0].Level);
        Assert.Equal(SubIndication.TryLater, Assert.Single(report.Signatures[0].Timestamps).SubIndication);
    }

    [Fact]
    public async Task Validate_TamperedFile_TotalFailedHashFailure()
    {
        var p7s = await CadesSigner.SignAsync(Data, _pki.SealKey, new InProcessTsa(_pki), Ct);
        var tampered = Data.ToArray();
        tampered[0] ^= 0x20;

        var report = Validator(await RevocationAsync()).ValidateDetached(tampered, p7s);

        Assert.Equal(Indication.TotalFailed, report.Indication);
        Assert.Equal(SubIndication.HashFailure, report.SubIndication);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x30, 0x82, 0xff, 0xff, 0x01 })]
    [InlineData(new byte[] { 0x04, 0x02, 0x00, 0x00 })]
    public void Validate_GarbageSignature_TotalFailedFormatFailure(byte[] p7s)
    {
        var report = Validator([]).ValidateDetached(Data, p7s);

        Assert.Null(report.Refusal);
        Assert.Equal(Indication.TotalFailed, report.Indication);
        Assert.Equal(SubIndication.FormatFailure, report.SubIndication);
    }

    [Fact]
    public async Task OpensslCms_VerifiesTheP7sOverTheFile()
    {
        var openssl = ExternalTool.Find("openssl", "openssl");
        var p7s = _directory.Write("export.csv.p7s", await CadesSigner.SignAsync(Data, _pki.SealKey, new InProcessTsa(_pki), Ct));
        var data = _directory.Write("export.csv", Data);
        var chain = _directory.Write("chain.pem", _pki.SealCa.ExportCertificatePem() + "\n" + _pki.Root.ExportCertificatePem() + "\n");

        var (exitCode, output) = await ExternalTool.RunAsync(openssl, "cms", "-verify", "-binary", "-inform", "DER", "-in", p7s, "-content", data, "-CAfile", chain, "-purpose", "any", "-out", "/dev/null");
        var (tamperedExit, _) = await ExternalTool.RunAsync(openssl, "cms", "-verify", "-binary", "-inform", "DER", "-in", p7s, "-content", _directory.Write("other.csv", "another file\n"), "-CAfile", chain, "-purpose", "any", "-out", "/dev/null");

        Assert.True(exitCode == 0, output);
        Assert.Contains("CMS Verification successful", output, StringComparison.Ordinal);
        Assert.NotEqual(0, tamperedExit);
    }

    public void Dispose()
    {
        _directory.Dispose();
        _pki.Dispose();
    }

    private DocumentValidator Validator(IReadOnlyList<byte[]> revocation) =>
        new(new ValidationOptions { TrustAnchors = [TestPki.Public(_pki.Root)], ExtraRevocationData = revocation }, TimeProvider.System);

    private async Task<IReadOnlyList<byte[]>> RevocationAsync()
    {
        var revocation = new TestRevocation(_pki);
        await revocation.GetAsync(_pki.Seal, _pki.SealCa, Ct);
        await revocation.GetAsync(_pki.SealCa, _pki.Root, Ct);
        await revocation.GetAsync(_pki.Tsa, _pki.Root, Ct);
        return [.. revocation.OcspResponses, .. revocation.Crls];
    }
}

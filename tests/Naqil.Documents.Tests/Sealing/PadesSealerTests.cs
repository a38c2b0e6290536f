using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Naqil.Agencies.CivilRegistry;
using Naqil.Documents.Sealing;
using Naqil.Documents.Tests.Rendering;
using Naqil.Documents.Tests.TestEnvironment;

namespace Naqil.Documents.Tests.Sealing;

/// <summary>The seal read back with the framework's CMS: what is signed and with which attributes.</summary>
public sealed class PadesSealerTests : IDisposable
{
    private readonly TestPki _pki = TestPki.Create();

    [Fact]
    public async Task Seal_BaselineB_OneCadesSignatureOverTheWholeFileButItsContents()
    {
        var rendered = CivilRecordExtract.Render(SyntheticPersons.All[0], ExtractRendererTests.Info);

        var sealedPdf = await Sealer().SealAsync(rendered.Pdf, _pki.SealKey, null, null, PadesLevel.BaselineB, TestContext.Current.CancellationToken);

        Assert.Equal(rendered.Pdf, sealedPdf.AsSpan(0, rendered.Pdf.Length).ToArray());
        var signature = Assert.Single(SealedPdf.ReadAll(sealedPdf));
        Assert.Equal(0, signature.ByteRange[0]);
        Assert.Equal(sealedPdf.Length, signature.ByteRange[2] + signature.ByteRange[3]);
        var text = Encoding.Latin1.GetString(sealedPdf, rendered.Pdf.Length, sealedPdf.Length - rendered.Pdf.Length);
        Assert.Contains("/Type /Sig", text, StringComparison.Ordinal);
        Assert.Contains("/Filter /Adobe.PPKLite", text, StringComparison.Ordinal);
        Assert.Contains("/SubFilter /ETSI.CAdES.detached", text, StringComparison.Ordinal);
        Assert.Contains("/M (D:", text, StringComparison.Ordinal);
        Assert.Contains("/FT /Sig", text, StringComparison.Ordinal);
        Assert.Contains("/SigFlags 3", text, StringComparison.Ordinal);
        Assert.Contains("/ESIC", text, StringComparison.Ordinal);

        var cms = signature.Cms();
        cms.CheckSignature(new X509Certificate2Collection(), verifySignatureOnly: true);
        var signer = Assert.Single(cms.SignerInfos.Cast<SignerInfo>());
        Assert.Equal(_pki.Seal.Thumbprint, signer.Certificate!.Thumbprint);
        Assert.Equal("2.16.840.1.101.3.4.2.1", signer.DigestAlgorithm.Value);
        Assert.Equal(
            new[] { "1.2.840.113549.1.9.3", "1.2.840.113549.1.9.4", "1.2.840.113549.1.9.16.2.47" }.Order(StringComparer.Ordinal),
            signer.SignedAttributes.Cast<CryptographicAttributeObject>().Select(a => a.Oid.Value!).Order(StringComparer.Ordinal));
        Assert.Empty(signer.UnsignedAttributes);
        Assert.Equal(
            new[] { _pki.Seal.Thumbprint, _pki.SealCa.Thumbprint, _pki.Root.Thumbprint }.Order(),
            cms.Certificates.Cast<X509Certificate2>().Select(c => c.Thumbprint).Order());
    }

    [Fact]
    public async Task Seal_SigningCertificateV2_IsTheHashAndIssuerSerialOfTheSealCertificate()
    {
        var sealedPdf = await SealAsync(PadesLevel.BaselineB);

        var signer = SealedPdf.ReadAll(sealedPdf)[0].Cms().SignerInfos[0];
        var attribute = signer.SignedAttributes.Cast<CryptographicAttributeObject>().Single(a => a.Oid.Value == "1.2.840.113549.1.9.16.2.47");
        var reader = new AsnReader(attribute.Values[0].RawData, AsnEncodingRules.DER).ReadSequence();
        var certIds = reader.ReadSequence();
        var certId = certIds.ReadSequence();
        Assert.False(certIds.HasData);
        Assert.Equal(SHA256.HashData(_pki.Seal.RawData), certId.ReadOctetString());
        var issuerSerial = certId.ReadSequence();
        var generalNames = issuerSerial.ReadSequence();
        var directoryName = generalNames.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 4));
        Assert.Equal(_pki.Seal.IssuerName.RawData, directoryName.ReadEncodedValue().ToArray());
        Assert.Equal(_pki.Seal.SerialNumberBytes.ToArray(), issuerSerial.ReadIntegerBytes().ToArray());
    }

    [Fact]
    public async Task Seal_BaselineT_TheTokenIsOverTheSignatureValueAndSignedByTheTsa()
    {
        var tsa = new InProcessTsa(_pki);

        var sealedPdf = await Sealer().SealAsync(
            CivilRecordExtract.Render(SyntheticPersons.All[1], ExtractRendererTests.Info).Pdf, _pki.SealKey, tsa, null, PadesLevel.BaselineT, TestContext.Current.CancellationToken);

        var signer = SealedPdf.ReadAll(sealedPdf)[0].Cms().SignerInfos[0];
        var attribute = Assert.Single(signer.UnsignedAttributes.Cast<CryptographicAttributeObject>());
        Assert.Equal("1.2.840.113549.1.9.16.2.14", attribute.Oid.Value);
        Assert.True(Rfc3161TimestampToken.TryDecode(attribute.Values[0].RawData, out var token, out _));
        Assert.Equal(SHA256.HashData(signer.GetSignature()), token!.TokenInfo.GetMessageHash().ToArray());
        Assert.True(token.VerifySignatureForSignerInfo(signer, out var tsaCertificate));
        Assert.Equal(_pki.Tsa.Thumbprint, tsaCertificate!.Thumbprint);
        Assert.Equal(1, tsa.Requests);
    }

    [Fact]
    public async Task Seal_BaselineLT_AddsADssWithEveryCertificateAndTheRevocationData()
    {
        var revocation = new TestRevocation(_pki);
        var sealedPdf = await Sealer().SealAsync(
            CivilRecordExtract.Render(SyntheticPersons.All[0], ExtractRendererTests.Info).Pdf, _pki.SealKey, new InProcessTsa(_pki), revocation, PadesLevel.BaselineLT, TestContext.Current.CancellationToken);

        var signature = Assert.Single(SealedPdf.ReadAll(sealedPdf));
        Assert.True(signature.ByteRange[2] + signature.ByteRange[3] < sealedPdf.Length, "The DSS comes after the signed bytes.");
        var tail = Encoding.Latin1.GetString(sealedPdf, (int)(signature.ByteRange[2] + signature.ByteRange[3]), (int)(sealedPdf.Length - signature.ByteRange[2] - signature.ByteRange[3]));
        Assert.Contains("/Type /DSS", tail, StringComparison.Ordinal);
        Assert.Contains("/Certs [", tail, StringComparison.Ordinal);
        Assert.Contains("/OCSPs [", tail, StringComparison.Ordinal);
        Assert.Contains("/CRLs [", tail, StringComparison.Ordinal);
        Assert.Contains("/VRI <</" + Convert.ToHexString(SHA1.HashData(signature.Contents)) + " ", tail, StringComparison.Ordinal);
        Assert.Contains("/DSS ", tail, StringComparison.Ordinal);

        // The seal and the TSA certificate and the CA below the root were asked about; the root was not.
        Assert.Equal(["CN=Civil Registry Seal, O=Civil Registry, C=SY", "CN=Naqil Test Seal CA, O=Naqil, C=SY", "CN=Naqil Test TSA, O=Naqil, C=SY"], revocation.AskedFor.Order());
        var tailBytes = sealedPdf.AsSpan((int)(signature.ByteRange[2] + signature.ByteRange[3]));
        foreach (var der in revocation.OcspResponses.Concat(revocation.Crls).Concat([_pki.Seal.RawData, _pki.SealCa.RawData, _pki.Root.RawData, _pki.Tsa.RawData]))
        {
            Assert.True(tailBytes.IndexOf(der) >= 0, "Every certificate, OCSP response and CRL is in the DSS as it was given.");
        }

    }

    [Fact]
    public async Task Seal_BaselineLTA_EndsWithADocumentTimestampOverEverything()
    {
        var tsa = new InProcessTsa(_pki);
        var sealedPdf = await Sealer().SealAsync(
            CivilRecordExtract.Render(SyntheticPersons.All[0], ExtractRendererTests.Info).Pdf, _pki.SealKey, tsa, new TestRevocation(_pki), PadesLevel.BaselineLTA, TestContext.Current.CancellationToken);

        var signatures = SealedPdf.ReadAll(sealedPdf);
        Assert.Equal(2, signatures.Count);
        var documentTimestamp = signatures[1];
        Assert.Equal(sealedPdf.Length, documentTimestamp.ByteRange[2] + documentTimestamp.ByteRange[3]);
        Assert.True(Rfc3161TimestampToken.TryDecode(documentTimestamp.Contents, out var token, out _));
        Assert.True(token!.VerifySignatureForData(documentTimestamp.SignedBytes(), out _));
        Assert.Contains("/SubFilter /ETSI.RFC3161", Encoding.Latin1.GetString(sealedPdf), StringComparison.Ordinal);
        Assert.Equal(2, tsa.Requests);
    }

    [Fact]
    public async Task Seal_OverHttp_TheRegistrysTsaEndpointStampsTheSignature()
    {
        await using var tsa = await LoopbackTsa.StartAsync(_pki);
        using var http = new HttpClient();
        var client = new HttpTimestampClient(http, tsa.Url, [TestPki.Public(_pki.Root)]);

        var sealedPdf = await Sealer().SealAsync(
            CivilRecordExtract.Render(SyntheticPersons.All[0], ExtractRendererTests.Info).Pdf, _pki.SealKey, client, null, PadesLevel.BaselineT, TestContext.Current.CancellationToken);

        var signer = SealedPdf.ReadAll(sealedPdf)[0].Cms().SignerInfos[0];
        Assert.Equal("1.2.840.113549.1.9.16.2.14", Assert.Single(signer.UnsignedAttributes.Cast<CryptographicAttributeObject>()).Oid.Value);
        Assert.Equal(1, tsa.Requests);
    }

    [Fact]
    public async Task Seal_LevelsThatNeedATsaOrRevocation_RefuseWithoutThem()
    {
        var pdf = CivilRecordExtract.Render(SyntheticPersons.All[0], ExtractRendererTests.Info).Pdf;

        await Assert.ThrowsAsync<ArgumentException>(() => Sealer().SealAsync(pdf, _pki.SealKey, null, null, PadesLevel.BaselineT, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(() => Sealer().SealAsync(pdf, _pki.SealKey, new InProcessTsa(_pki), null, PadesLevel.BaselineLT, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Seal_CrossReferenceStream_IsRefusedClearly()
    {
        var pdf = Encoding.Latin1.GetBytes("%PDF-1.7\n1 0 obj\n<</Type /XRef /Size 2 /Root 2 0 R>>\nstream\n\nendstream\nendobj\nstartxref\n9\n%%EOF\n");

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => Sealer().SealAsync(pdf, _pki.SealKey, null, null, PadesLevel.BaselineB, TestContext.Current.CancellationToken));
        Assert.Contains("cross-reference stream", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _pki.Dispose();

    private static PadesSealer Sealer() => new(TimeProvider.System);

    private Task<byte[]> SealAsync(PadesLevel level) =>
        Sealer().SealAsync(
            CivilRecordExtract.Render(SyntheticPersons.All[0], ExtractRendererTests.Info).Pdf,
            _pki.SealKey,
            level >= PadesLevel.BaselineT ? new InProcessTsa(_pki) : null,
            level >= PadesLevel.BaselineLT ? new TestRevocation(_pki) : null,
            level,
            TestContext.Current.CancellationToken);
}

using System.Security.Cryptography;
using System.Text;
using Naqil.Agencies.CivilRegistry;
using Naqil.Documents.Sealing;
using Naqil.Documents.Tests.Rendering;
using Naqil.Documents.Tests.TestEnvironment;
using Naqil.Tests.Shared;

namespace Naqil.Documents.Tests.Sealing;

/// <summary>
/// Other implementations check the seal: poppler's pdfsig (NSS), openssl cms and openssl ts.
/// Skipped when a tool is missing, except under CI, where that fails.
/// </summary>
public class IndependentVerificationTests : IDisposable
{
    private readonly TestPki _pki;

    public IndependentVerificationTests()
        : this(null)
    {
    }

    /// <summary>With the seal's key in <paramref name="token"/> when given (<see cref="Pkcs11IndependentVerificationTests"/>).</summary>
    protected IndependentVerificationTests(Naqil.Keys.Pkcs11Uri? token) => _pki = TestPki.Create(token);
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task Pdfsig_BaselineT_SignatureValidTotalDocumentSignedAndTrustedWithTheRootInNss()
    {
        var pdfsig = ExternalTool.Find("pdfsig", "poppler-utils");
        var certutil = ExternalTool.Find("certutil", "libnss3-tools");
        var pdf = _directory.Write("sealed.pdf", await SealAsync(PadesLevel.BaselineT));
        var nss = await NssDatabaseTrustingAsync(certutil);

        var (exitCode, output) = await ExternalTool.RunAsync(pdfsig, "-nssdir", "sql:" + nss, "-nocert", pdf);
        // Not -no-ocsp: poppler 22.12 then reports "Unknown issue" for any chain. The test
        // certificates name no OCSP responder, so nothing is fetched either way.
        var (trustedExit, trusted) = await ExternalTool.RunAsync(pdfsig, "-nssdir", "sql:" + nss, pdf);
        var (_, untrusted) = await ExternalTool.RunAsync(pdfsig, "-nssdir", "sql:" + await NssDatabaseTrustingAsync(certutil, trustRoot: false), pdf);

        Assert.True(exitCode == 0, output);
        Assert.Contains("Signature Validation: Signature is Valid.", output, StringComparison.Ordinal);
        Assert.Contains("Total document signed", output, StringComparison.Ordinal);
        Assert.Contains("Signature Type: ETSI.CAdES.detached", output, StringComparison.Ordinal);
        Assert.Contains("Signer Certificate Common Name: Civil Registry Seal", output, StringComparison.Ordinal);
        Assert.True(trustedExit == 0, trusted);
        Assert.Contains("Certificate Validation: Certificate is Trusted.", trusted, StringComparison.Ordinal);
        Assert.Contains("Signature Validation: Signature is Valid.", untrusted, StringComparison.Ordinal);
        Assert.Contains("Certificate Validation: Certificate issuer isn't Trusted.", untrusted, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pdfsig_OneByteChangedInsideTheSignedRange_ReportsTheSignatureInvalid()
    {
        var pdfsig = ExternalTool.Find("pdfsig", "poppler-utils");
        var sealedPdf = await SealAsync(PadesLevel.BaselineT);
        var at = Encoding.Latin1.GetString(sealedPdf).IndexOf("(Naqil)", StringComparison.Ordinal) + 5;
        Assert.True(at > 5 && at < SealedPdf.ReadAll(sealedPdf)[0].ByteRange[1], "The changed byte is inside the signed range.");
        sealedPdf[at] = (byte)'m'; // (Naqil) becomes (Naqim): the same length, another meaning.

        var (_, output) = await ExternalTool.RunAsync(pdfsig, "-nocert", _directory.Write("tampered.pdf", sealedPdf));

        Assert.DoesNotContain("Signature is Valid", output, StringComparison.Ordinal);
        Assert.Contains("Signature Validation: Digest Mismatch.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pdfsig_ContentAppendedAfterTheSeal_ReportsThatTheSignatureDoesNotCoverTheDocument()
    {
        var pdfsig = ExternalTool.Find("pdfsig", "poppler-utils");
        var sealedPdf = await SealAsync(PadesLevel.BaselineT);
        byte[] appended = [.. sealedPdf, .. "\n% changed after sealing\n"u8];

        var (_, output) = await ExternalTool.RunAsync(pdfsig, "-nocert", _directory.Write("appended.pdf", appended));

        Assert.Contains("Signature Validation: Signature is Valid.", output, StringComparison.Ordinal);
        Assert.Contains("Not total document signed", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Total document signed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PdfsigAndOpensslTs_BaselineLTA_TheSealStaysValidAndTheDocumentTimestampVerifies()
    {
        var pdfsig = ExternalTool.Find("pdfsig", "poppler-utils");
        var openssl = ExternalTool.Find("openssl", "openssl");
        var sealedPdf = await SealAsync(PadesLevel.BaselineLTA);
        var pdf = _directory.Write("lta.pdf", sealedPdf);

        var (exitCode, output) = await ExternalTool.RunAsync(pdfsig, "-nocert", pdf);

        Assert.True(exitCode == 0, output);
        Assert.Contains("Signature #1:", output, StringComparison.Ordinal);
        Assert.Contains("Signature #2:", output, StringComparison.Ordinal);
        var first = output[output.IndexOf("Signature #1:", StringComparison.Ordinal)..output.IndexOf("Signature #2:", StringComparison.Ordinal)];
        Assert.Contains("Signature Validation: Signature is Valid.", first, StringComparison.Ordinal);
        Assert.Contains("Not total document signed", first, StringComparison.Ordinal);
        Assert.Contains("Signature Field Name: DocumentTimestamp2", output, StringComparison.Ordinal);
        Assert.Contains("Signer Certificate Common Name: Naqil Test TSA", output, StringComparison.Ordinal);

        // poppler 22 does not validate /ETSI.RFC3161 ("Unable to validate this type of
        // signature"), so openssl checks the document timestamp: a token over its byte range.
        var documentTimestamp = SealedPdf.ReadAll(sealedPdf)[1];
        Assert.Equal(sealedPdf.Length, documentTimestamp.ByteRange[2] + documentTimestamp.ByteRange[3]);
        var (tsExit, tsOutput) = await ExternalTool.RunAsync(
            openssl, "ts", "-verify", "-data", _directory.Write("lta-range.bin", documentTimestamp.SignedBytes()),
            "-in", _directory.Write("doc-ts.der", documentTimestamp.Contents), "-token_in", "-CAfile", _directory.Write("tsa-root.pem", _pki.Root.ExportCertificatePem()));
        Assert.True(tsExit == 0, tsOutput);
        Assert.Contains("Verification: OK", tsOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpensslCms_TheContentsOverTheByteRange_VerifiesWithTheChain()
    {
        var openssl = ExternalTool.Find("openssl", "openssl");
        var signature = SealedPdf.ReadAll(await SealAsync(PadesLevel.BaselineT))[0];
        var sig = _directory.Write("sig.der", signature.Contents);
        var content = _directory.Write("signedrange.bin", signature.SignedBytes());
        var chain = _directory.Write("chain.pem", _pki.SealCa.ExportCertificatePem() + "\n" + _pki.Root.ExportCertificatePem() + "\n");

        var (exitCode, output) = await ExternalTool.RunAsync(openssl, "cms", "-verify", "-binary", "-inform", "DER", "-in", sig, "-content", content, "-CAfile", chain, "-purpose", "any", "-out", "/dev/null");
        var (_, printed) = await ExternalTool.RunAsync(openssl, "cms", "-cmsout", "-print", "-inform", "DER", "-in", sig);
        var tampered = signature.SignedBytes();
        tampered[^10] ^= 1;
        var (tamperedExit, _) = await ExternalTool.RunAsync(openssl, "cms", "-verify", "-binary", "-inform", "DER", "-in", sig, "-content", _directory.Write("tampered.bin", tampered), "-CAfile", chain, "-purpose", "any", "-out", "/dev/null");

        Assert.True(exitCode == 0, output);
        Assert.Contains("CMS Verification successful", output, StringComparison.Ordinal);
        Assert.NotEqual(0, tamperedExit);
        Assert.Contains("id-smime-aa-signingCertificateV2", printed, StringComparison.Ordinal);
        Assert.Contains("id-smime-aa-timeStampToken", printed, StringComparison.Ordinal);
        // The seal's own signed attributes (before its unsigned ones, where the TSA token and
        // that token's signingTime sit) have no signingTime: PAdES puts the time in /M.
        var signedAttributes = printed[printed.IndexOf("signedAttrs:", StringComparison.Ordinal)..printed.IndexOf("unsignedAttrs:", StringComparison.Ordinal)];
        Assert.Contains("id-smime-aa-signingCertificateV2", signedAttributes, StringComparison.Ordinal);
        Assert.Contains("messageDigest", signedAttributes, StringComparison.Ordinal);
        Assert.Contains("contentType", signedAttributes, StringComparison.Ordinal);
        Assert.DoesNotContain("signingTime", signedAttributes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpensslTs_TheSignatureTimestamp_IsOverTheSignatureValueAndVerifiesWithTheTsaChain()
    {
        var openssl = ExternalTool.Find("openssl", "openssl");
        var signer = SealedPdf.ReadAll(await SealAsync(PadesLevel.BaselineT))[0].Cms().SignerInfos[0];
        var token = signer.UnsignedAttributes.Cast<CryptographicAttributeObject>().Single().Values[0].RawData;
        var tokenPath = _directory.Write("token.der", token);
        var digest = Convert.ToHexString(SHA256.HashData(signer.GetSignature()));
        var tsaChain = _directory.Write("tsa-chain.pem", _pki.Root.ExportCertificatePem() + "\n");

        var (textExit, text) = await ExternalTool.RunAsync(openssl, "ts", "-reply", "-in", tokenPath, "-token_in", "-text", "-token_out");
        var (exitCode, output) = await ExternalTool.RunAsync(openssl, "ts", "-verify", "-digest", digest, "-in", tokenPath, "-token_in", "-CAfile", tsaChain);
        var (otherExit, other) = await ExternalTool.RunAsync(openssl, "ts", "-verify", "-digest", new string('0', 64), "-in", tokenPath, "-token_in", "-CAfile", tsaChain);

        Assert.True(textExit == 0, text);
        Assert.Contains("Hash Algorithm: sha256", text, StringComparison.Ordinal);
        Assert.True(exitCode == 0, output);
        Assert.Contains("Verification: OK", output, StringComparison.Ordinal);
        Assert.NotEqual(0, otherExit);
        Assert.DoesNotContain("Verification: OK", other, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Openssl_TheDssRevocationData_ParsesAsAnOcspResponseAndACrl()
    {
        var openssl = ExternalTool.Find("openssl", "openssl");
        var revocation = new TestRevocation(_pki);
        var sealedPdf = await new PadesSealer(TimeProvider.System).SealAsync(
            CivilRecordExtract.Render(SyntheticPersons.All[0], ExtractRendererTests.Info).Pdf, _pki.SealKey, new InProcessTsa(_pki), revocation, PadesLevel.BaselineLT, TestContext.Current.CancellationToken);
        var ocsp = revocation.OcspResponses[0];
        var crl = revocation.Crls[0];
        Assert.True(sealedPdf.AsSpan().IndexOf(ocsp) > 0 && sealedPdf.AsSpan().IndexOf(crl) > 0);

        var (ocspExit, ocspText) = await ExternalTool.RunAsync(openssl, "ocsp", "-respin", _directory.Write("ocsp.der", ocsp), "-resp_text", "-noverify");
        var (crlExit, crlText) = await ExternalTool.RunAsync(openssl, "crl", "-inform", "DER", "-in", _directory.Write("crl.der", crl), "-noout", "-text");

        Assert.True(ocspExit == 0, ocspText);
        Assert.Contains("OCSP Response Status: successful", ocspText, StringComparison.Ordinal);
        Assert.Contains("Cert Status: good", ocspText, StringComparison.Ordinal);
        Assert.True(crlExit == 0, crlText);
        Assert.Contains("CN = Naqil Test Root", crlText, StringComparison.Ordinal);
        Assert.Contains("No Revoked Certificates.", crlText, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _directory.Dispose();
        _pki.Dispose();
        GC.SuppressFinalize(this);
    }

    private Task<byte[]> SealAsync(PadesLevel level) =>
        new PadesSealer(TimeProvider.System).SealAsync(
            CivilRecordExtract.Render(SyntheticPersons.All[0], ExtractRendererTests.Info).Pdf,
            _pki.SealKey,
            level >= PadesLevel.BaselineT ? new InProcessTsa(_pki) : null,
            level >= PadesLevel.BaselineLT ? new TestRevocation(_pki) : null,
            level,
            TestContext.Current.CancellationToken);

    /// <summary>An NSS database (what pdfsig validates with) in which the test root is a trusted CA.</summary>
    private async Task<string> NssDatabaseTrustingAsync(string certutil, bool trustRoot = true)
    {
        var nss = Directory.CreateDirectory(Path.Combine(_directory.Path, trustRoot ? "nss" : "nss-empty")).FullName;
        var (created, createOutput) = await ExternalTool.RunAsync(certutil, "-N", "-d", "sql:" + nss, "--empty-password");
        Assert.True(created == 0, createOutput);
        if (!trustRoot)
        {
            return nss;
        }

        var root = _directory.Write("root.pem", _pki.Root.ExportCertificatePem());
        var (added, addOutput) = await ExternalTool.RunAsync(certutil, "-A", "-d", "sql:" + nss, "-n", "Naqil Test Root", "-t", "CT,C,C", "-i", root);
        Assert.True(added == 0, addOutput);
        return nss;
    }
}

/// <summary>Every independent check again (pdfsig, openssl cms and ts), with the seal's key in SoftHSM2.</summary>
public sealed class Pkcs11IndependentVerificationTests() : IndependentVerificationTests(TestSoftHsm.NewToken());

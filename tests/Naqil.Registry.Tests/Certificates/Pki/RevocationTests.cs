using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Naqil.Registry.Certificates;
using Naqil.Registry.Certificates.Pki;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Ocsp;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Naqil.Registry.Tests.Certificates.Pki;

/// <summary>Revoking through the admin API, and what the CRLs and OCSP responders say before and after, read with BouncyCastle.</summary>
public sealed class RevocationTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private RegistryHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private RegistryPki Pki => _host.App.Services.GetRequiredService<RegistryPki>();

    public async ValueTask InitializeAsync() => _host = await RegistryHost.StartAsync(_directory.Path);

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Revoke_WithoutTheToken_Unauthorized_AndTheCertificateStaysGood()
    {
        using var issued = await _host.IssueCertificateAsync("tls");

        using var response = await _host.RevokeAsync(issued.Issuer, issued.Serial, "keyCompromise", _host.Anonymous);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("good", (await ListedAsync(issued)).GetProperty("status").GetString());
        Assert.Null(CertificateStatusOf(await _host.PostOcspAsync("gateway", PkiRequests.OcspRequest(Pki.Find("gateway")!.Certificate, issued.Serial))));
        Assert.Null((await _host.CrlAsync("gateway")).GetRevokedCertificates());
    }

    [Fact]
    public async Task Revoke_ShowsInTheListAtOnceInOcsp_AndInTheNextCrl()
    {
        using var issued = await _host.IssueCertificateAsync("tls");
        using var other = await _host.IssueCertificateAsync("signing");
        var gatewayCa = Pki.Find("gateway")!.Certificate;
        var before = await _host.CrlAsync("gateway");
        _host.Time.Advance(TimeSpan.FromMinutes(3));

        using var response = await _host.RevokeAsync(issued.Issuer, issued.Serial.ToLowerInvariant(), "keyCompromise");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var revokedAt = _host.Time.GetUtcNow();
        revokedAt = revokedAt.AddTicks(-(revokedAt.Ticks % TimeSpan.TicksPerSecond));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(("revoked", "keyCompromise", revokedAt), (body.GetProperty("status").GetString(), body.GetProperty("reason").GetString(), body.GetProperty("revokedAt").GetDateTimeOffset()));
        var listed = await ListedAsync(issued);
        Assert.Equal(("revoked", "keyCompromise", "tls", "gateway"), (listed.GetProperty("status").GetString(), listed.GetProperty("reason").GetString(), listed.GetProperty("kind").GetString(), listed.GetProperty("issuer").GetString()));
        Assert.Equal("good", (await ListedAsync(other)).GetProperty("status").GetString());

        var status = Assert.IsType<RevokedStatus>(CertificateStatusOf(await _host.PostOcspAsync("gateway", PkiRequests.OcspRequest(gatewayCa, issued.Serial))));
        Assert.Equal((revokedAt.UtcDateTime, true, CrlReason.KeyCompromise), (status.RevocationTime, status.HasRevocationReason, status.RevocationReason));
        Assert.Null(CertificateStatusOf(await _host.PostOcspAsync("gateway", PkiRequests.OcspRequest(gatewayCa, other.Serial))));

        var after = await _host.CrlAsync("gateway");
        after.Verify(PkiRequests.Bc(gatewayCa).GetPublicKey());
        Assert.True(after.GetRevokedCertificate(new BigInteger(issued.Serial, 16)) is { } entry && entry.RevocationDate == revokedAt.UtcDateTime);
        Assert.Null(after.GetRevokedCertificate(new BigInteger(other.Serial, 16)));
        Assert.True(CrlNumber(after) > CrlNumber(before), "the CRL number did not grow");
        Assert.Null((await _host.CrlAsync("seal")).GetRevokedCertificates());
    }

    [Fact]
    public async Task Crl_Signed_ThisUpdateNow_NextUpdateADayLater_KeptThenResignedAtHalfItsLifetime()
    {
        var sealCa = Pki.Find("seal")!.Certificate;
        var now = _host.Time.GetUtcNow().UtcDateTime;

        var first = await _host.CrlAsync("seal");
        _host.Time.Advance(TimeSpan.FromHours(11));
        var same = await _host.CrlAsync("seal");
        _host.Time.Advance(TimeSpan.FromHours(2));
        var renewed = await _host.CrlAsync("seal");

        first.Verify(PkiRequests.Bc(sealCa).GetPublicKey());
        Assert.Equal(sealCa.SubjectName.RawData, first.IssuerDN.GetEncoded());
        Assert.Equal((now, now.AddDays(1)), (first.ThisUpdate, first.NextUpdate));
        Assert.Equal(first.GetEncoded(), same.GetEncoded());
        Assert.Equal(now.AddHours(13), renewed.ThisUpdate);
        Assert.Equal(CrlNumber(first) + 1, CrlNumber(renewed));
        Assert.Equal(2, first.Version);
    }

    [Fact]
    public async Task Crl_ReasonLeftOutWhenUnspecified()
    {
        using var unspecified = await _host.IssueCertificateAsync("signing");
        using var superseded = await _host.IssueCertificateAsync("signing");

        await _host.RevokedAsync(unspecified, "unspecified");
        await _host.RevokedAsync(superseded, "superseded");

        var crl = await _host.CrlAsync("gateway");
        Assert.Null(crl.GetRevokedCertificate(new BigInteger(unspecified.Serial, 16))!.GetExtensionValue(X509Extensions.ReasonCode));
        Assert.Equal(CrlReason.Superseded, ReasonOf(crl.GetRevokedCertificate(new BigInteger(superseded.Serial, 16))!));
        var status = Assert.IsType<RevokedStatus>(CertificateStatusOf(await _host.PostOcspAsync("gateway", PkiRequests.OcspRequest(Pki.Find("gateway")!.Certificate, unspecified.Serial))));
        Assert.False(status.HasRevocationReason);
    }

    [Fact]
    public async Task Seal_RevokedOnTheSealCasCrlAndResponder_NotTheGatewayCas()
    {
        await _host.PutMemberAsync("SY/GOV/CIVREG", "Civil registry");
        using var seal = await _host.IssueCertificateAsync("seal", member: "SY/GOV/CIVREG");

        await _host.RevokedAsync(seal, "cessationOfOperation");

        Assert.NotNull((await _host.CrlAsync("seal")).GetRevokedCertificate(new BigInteger(seal.Serial, 16)));
        Assert.Null((await _host.CrlAsync("gateway")).GetRevokedCertificates());
        Assert.IsType<RevokedStatus>(CertificateStatusOf(await _host.PostOcspAsync("seal", PkiRequests.OcspRequest(Pki.Find("seal")!.Certificate, seal.Serial))));
        Assert.IsType<UnknownStatus>(CertificateStatusOf(await _host.PostOcspAsync("gateway", PkiRequests.OcspRequest(Pki.Find("seal")!.Certificate, seal.Serial))));
        Assert.Equal("SY/GOV/CIVREG", (await ListedAsync(seal)).GetProperty("member").GetString());
    }

    [Fact]
    public async Task RevokeAgain_SameReasonAnsweredAsBefore_AnotherReasonConflict()
    {
        using var issued = await _host.IssueCertificateAsync("tls");
        await _host.RevokedAsync(issued, "superseded");
        var first = await ListedAsync(issued);
        _host.Time.Advance(TimeSpan.FromMinutes(5));

        using var same = await _host.RevokeAsync(issued.Issuer, issued.Serial, "superseded");
        using var other = await _host.RevokeAsync(issued.Issuer, issued.Serial, "keyCompromise");

        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(first.GetProperty("revokedAt").GetDateTimeOffset(), (await same.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("revokedAt").GetDateTimeOffset());
        Assert.Contains("revocation is final", await ProblemAssert.IsProblemAsync(other, HttpStatusCode.Conflict, "conflict"), StringComparison.Ordinal);
        Assert.Equal("superseded", (await ListedAsync(issued)).GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("gateway", "0A1B2C", "keyCompromise", HttpStatusCode.NotFound, "not-found", "serial 0A1B2C")]
    [InlineData("intermediate", "0A", "keyCompromise", HttpStatusCode.NotFound, "not-found", "no CA named 'intermediate'")]
    [InlineData("gateway", "0x0A", "keyCompromise", HttpStatusCode.BadRequest, "bad-request", "hex")]
    [InlineData("gateway", "{serial}", "certificateHold", HttpStatusCode.BadRequest, "bad-request", "keyCompromise, affiliationChanged")]
    [InlineData("gateway", "{serial}", "KeyCompromise", HttpStatusCode.BadRequest, "bad-request", "'reason'")]
    [InlineData("seal", "{serial}", "keyCompromise", HttpStatusCode.NotFound, "not-found", "seal CA has not issued")]
    public async Task Revoke_Refused_AndNothingRevoked(string issuer, string serial, string reason, HttpStatusCode status, string code, string named)
    {
        using var issued = await _host.IssueCertificateAsync("tls");

        using var response = await _host.RevokeAsync(issuer, serial.Replace("{serial}", issued.Serial, StringComparison.Ordinal), reason);

        Assert.Contains(named, await ProblemAssert.IsProblemAsync(response, status, code), StringComparison.Ordinal);
        Assert.Equal("good", (await ListedAsync(issued)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Revoke_TheRegistrysOwnCertificates_Conflict()
    {
        var issuingCa = Pki.Find("gateway")!.Certificate.SerialNumber;
        var tsa = _host.App.Services.GetRequiredService<RegistryKeys>().TsaCertificate.SerialNumber;

        using var ca = await _host.RevokeAsync("root", issuingCa, "keyCompromise");
        using var timestamping = await _host.RevokeAsync("gateway", tsa, "keyCompromise");

        Assert.Contains("'ca' certificate", await ProblemAssert.IsProblemAsync(ca, HttpStatusCode.Conflict, "conflict"), StringComparison.Ordinal);
        Assert.Contains("'tsa' certificate", await ProblemAssert.IsProblemAsync(timestamping, HttpStatusCode.Conflict, "conflict"), StringComparison.Ordinal);
        Assert.Null((await _host.CrlAsync("root")).GetRevokedCertificates());
    }

    [Fact]
    public async Task GetOne_HasItsPem_TheListDoesNot()
    {
        using var issued = await _host.IssueCertificateAsync("signing");

        var one = await _host.Admin.GetFromJsonAsync<JsonElement>($"/admin/v1/certificates/gateway/{issued.Serial}", Ct);

        Assert.Equal(issued.Certificate.ExportCertificatePem(), one.GetProperty("certificate").GetString()!.Trim());
        Assert.False((await ListedAsync(issued)).TryGetProperty("certificate", out _));
        Assert.Equal("expired", (await StatusAfterAsync(issued, TimeSpan.FromDays(366))));
    }

    [Fact]
    public async Task Ocsp_UnknownSerial_Unknown_AnotherIssuersCertId_Unknown()
    {
        using var issued = await _host.IssueCertificateAsync("tls");
        var gatewayCa = Pki.Find("gateway")!.Certificate;

        Assert.IsType<UnknownStatus>(CertificateStatusOf(await _host.PostOcspAsync("gateway", PkiRequests.OcspRequest(gatewayCa, "7F0102030405"))));
        Assert.IsType<UnknownStatus>(CertificateStatusOf(await _host.PostOcspAsync("seal", PkiRequests.OcspRequest(gatewayCa, issued.Serial))));
        Assert.Null(CertificateStatusOf(await _host.PostOcspAsync("gateway", PkiRequests.OcspRequest(gatewayCa, issued.Serial))));
    }

    [Fact]
    public async Task Ocsp_Sha256CertId_AndTheNonceEchoed_SignedByADelegatedResponder()
    {
        using var issued = await _host.IssueCertificateAsync("tls");
        var gatewayCa = Pki.Find("gateway")!.Certificate;
        var nonce = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

        var response = await _host.PostOcspAsync("gateway", PkiRequests.OcspRequest(gatewayCa, issued.Serial, nonce, NistObjectIdentifiers.IdSha256.Id));

        var (single, basic) = PkiRequests.SingleOf(response);
        Assert.Null(single.GetCertStatus());
        Assert.Equal(NistObjectIdentifiers.IdSha256.Id, single.GetCertID().HashAlgOid);
        Assert.Null(single.NextUpdate);
        var echoed = basic.GetExtensionValue(OcspObjectIdentifiers.PkixOcspNonce);
        Assert.Equal(nonce, Asn1OctetString.GetInstance(Asn1Object.FromByteArray(echoed.GetOctets())).GetOctets());
        var responder = Assert.Single(basic.GetCerts());
        Assert.Equal(gatewayCa.SubjectName.RawData, responder.IssuerDN.GetEncoded());
        responder.Verify(PkiRequests.Bc(gatewayCa).GetPublicKey());
        Assert.Equal(["1.3.6.1.5.5.7.3.9"], responder.GetExtendedKeyUsage().Select(o => o.Id));
        Assert.NotNull(responder.GetExtensionValue(OcspObjectIdentifiers.PkixOcspNocheck));
        Assert.Contains(await _host.App.Services.GetRequiredService<Naqil.Registry.Storage.ICertificateStore>().ListIssuedAsync(Ct),
            e => e.Certificate.Kind == "ocsp" && e.Certificate.Serial == Convert.ToHexString(responder.SerialNumber.ToByteArray()));
    }

    [Fact]
    public async Task Ocsp_ResponderCertificate_RenewedBeforeItExpires()
    {
        var gatewayCa = Pki.Find("gateway")!.Certificate;
        var request = PkiRequests.OcspRequest(gatewayCa, "0A");

        var first = Assert.Single(PkiRequests.SingleOf(await _host.PostOcspAsync("gateway", request)).Basic.GetCerts());
        _host.Time.Advance(TimeSpan.FromHours(23));
        var same = Assert.Single(PkiRequests.SingleOf(await _host.PostOcspAsync("gateway", request)).Basic.GetCerts());
        _host.Time.Advance(TimeSpan.FromHours(2));
        var renewed = Assert.Single(PkiRequests.SingleOf(await _host.PostOcspAsync("gateway", request)).Basic.GetCerts());

        Assert.Equal(first.SerialNumber, same.SerialNumber);
        Assert.NotEqual(first.SerialNumber, renewed.SerialNumber);
        Assert.True(renewed.NotAfter > _host.Time.GetUtcNow().UtcDateTime.AddDays(1), "the renewed responder certificate has less than a day left");
    }

    [Fact]
    public async Task Ocsp_Get_Base64UrlEncodedInThePath()
    {
        using var issued = await _host.IssueCertificateAsync("tls");
        await _host.RevokedAsync(issued, "affiliationChanged");
        var request = PkiRequests.OcspRequest(Pki.Find("gateway")!.Certificate, issued.Serial, nonce: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);

        var response = await _host.GetOcspAsync("gateway", Uri.EscapeDataString(Convert.ToBase64String(request)));

        Assert.Equal(CrlReason.AffiliationChanged, Assert.IsType<RevokedStatus>(CertificateStatusOf(response)).RevocationReason);
    }

    public static TheoryData<string, byte[]> MalformedRequests() => new()
    {
        { "garbage", "not an OCSP request"u8.ToArray() },
        { "empty", [] },
        { "truncated", [0x30, 0x82, 0x01, 0x00, 0x30] },
        { "an empty SEQUENCE", [0x30, 0x00] },
        { "a SEQUENCE of an INTEGER", Convert.FromBase64String("MAMCAQE=") },
        { "trailing bytes", [.. PkiRequests.OcspRequest(TestCa(), "0A"), 0x00] },
        { "a 33-octet nonce", PkiRequests.OcspRequest(TestCa(), "0A", nonce: new byte[33]) },
        { "no certificates asked about", new OcspReqGenerator().Generate().GetEncoded() },
        { "seventeen certificates", ManyRequests(17) },
    };

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public async Task Ocsp_Malformed_MalformedRequestStatus_NeverAServerError(string what, byte[] request)
    {
        var response = await _host.PostOcspAsync("gateway", request);

        Assert.True(OcspRespStatus.MalformedRequest == response.Status, $"{what}: status {response.Status}");
        Assert.Null(response.GetResponseObject());
    }

    [Theory]
    [InlineData("not-base64!")]
    [InlineData("AAAA")]
    [InlineData("%2F%2F%2F%2F")]
    public async Task Ocsp_GetMalformed_MalformedRequestStatus(string path)
    {
        var response = await _host.GetOcspAsync("gateway", path);

        Assert.Equal(OcspRespStatus.MalformedRequest, response.Status);
    }

    [Fact]
    public async Task Ocsp_WrongMediaType_UnsupportedMediaType()
    {
        using var content = new ByteArrayContent(PkiRequests.OcspRequest(Pki.Find("gateway")!.Certificate, "0A"));
        content.Headers.ContentType = new("application/octet-stream");

        using var response = await _host.Anonymous.PostAsync("/pki/v1/ocsp/gateway", content, Ct);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Ocsp_RootAnswersForTheIssuingCas()
    {
        var root = Pki.Root.Certificate;

        var gatewayCa = await _host.PostOcspAsync("root", PkiRequests.OcspRequest(root, Pki.Find("gateway")!.Certificate.SerialNumber));
        var unknown = await _host.PostOcspAsync("root", PkiRequests.OcspRequest(root, "0B"));

        Assert.Null(CertificateStatusOf(gatewayCa));
        Assert.IsType<UnknownStatus>(CertificateStatusOf(unknown));
    }

    private static object? CertificateStatusOf(OcspResp response) => PkiRequests.SingleOf(response).Single.GetCertStatus();

    private static long CrlNumber(Org.BouncyCastle.X509.X509Crl crl) =>
        DerInteger.GetInstance(Asn1Object.FromByteArray(crl.GetExtensionValue(X509Extensions.CrlNumber).GetOctets())).LongValueExact;

    private static int ReasonOf(Org.BouncyCastle.X509.X509CrlEntry entry) =>
        DerEnumerated.GetInstance(Asn1Object.FromByteArray(entry.GetExtensionValue(X509Extensions.ReasonCode).GetOctets())).IntValueExact;

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 TestCa()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=test", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(100));
    }

    private static byte[] ManyRequests(int count)
    {
        var ca = PkiRequests.Bc(TestCa());
        var generator = new OcspReqGenerator();
        for (var i = 1; i <= count; i++)
        {
            generator.AddRequest(new CertificateID(new AlgorithmIdentifier(Org.BouncyCastle.Asn1.Oiw.OiwObjectIdentifiers.IdSha1, DerNull.Instance), ca, BigInteger.ValueOf(i)));
        }

        return generator.Generate().GetEncoded();
    }

    private async Task<JsonElement> ListedAsync(Issued issued)
    {
        var list = await _host.Admin.GetFromJsonAsync<JsonElement>("/admin/v1/certificates", Ct);
        return list.GetProperty("certificates").EnumerateArray().Single(c => c.GetProperty("serial").GetString() == issued.Serial && c.GetProperty("issuer").GetString() == issued.Issuer);
    }

    private async Task<string?> StatusAfterAsync(Issued issued, TimeSpan later)
    {
        _host.Time.Advance(later);
        return (await ListedAsync(issued)).GetProperty("status").GetString();
    }
}

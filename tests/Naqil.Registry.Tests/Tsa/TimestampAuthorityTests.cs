using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using Naqil.MessageLog;
using Naqil.Registry.Certificates.Tsa;
using Org.BouncyCastle.Asn1.Cmp;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Tsp;

namespace Naqil.Registry.Tests.Tsa;

public sealed class TimestampAuthorityTests
{
    // PKIStatus values (RFC 3161 §2.4.2).
    private const int Granted = 0;
    private const int Rejection = 2;

    private static readonly X509Certificate2 Certificate = TsaFixture.CreateCertificate();
    private static readonly TimestampAuthority Authority = TsaFixture.CreateAuthority(Certificate);
    private static readonly byte[] Digest = SHA256.HashData("signed tree head"u8);

    [Fact]
    public void RoundTrip_RequestRespondReadVerify_SucceedsWithGenTimeFromTimeProvider()
    {
        var request = TimestampTokens.CreateRequest(Digest, out var nonce);

        var response = Authority.Respond(request);

        Assert.True(TimestampTokens.TryReadResponse(response, Digest, nonce, out var token, out var readError), readError);
        Assert.True(TimestampTokens.TryVerifyToken(token, Digest, Certificate, out var genTime, out var verifyError), verifyError);
        Assert.Equal(TsaFixture.Now, genTime);
    }

    [Fact]
    public void Respond_GrantedToken_CarriesPolicyCertificateAndUniqueSerials()
    {
        var first = new TimeStampResponse(Authority.Respond(TimestampTokens.CreateRequest(Digest, out _)));
        var second = new TimeStampResponse(Authority.Respond(TimestampTokens.CreateRequest(Digest, out _)));

        Assert.Equal(Granted, first.Status);
        Assert.Equal(TimestampAuthority.PlaceholderPolicyOid, first.TimeStampToken.TimeStampInfo.Policy);
        Assert.Equal(Certificate.RawData, Assert.Single(first.TimeStampToken.GetCertificates().EnumerateMatches(null)).GetEncoded());
        Assert.NotEqual(first.TimeStampToken.TimeStampInfo.SerialNumber, second.TimeStampToken.TimeStampInfo.SerialNumber);
    }

    [Fact]
    public void Respond_RequestWithoutCertReq_LeavesTheCertificateOut()
    {
        var generator = new TimeStampRequestGenerator();
        generator.SetCertReq(false);
        var request = generator.Generate(TspAlgorithms.Sha256, Digest);

        var response = new TimeStampResponse(Authority.Respond(request.GetEncoded()));

        Assert.Equal(Granted, response.Status);
        Assert.Empty(response.TimeStampToken.GetCertificates().EnumerateMatches(null));
    }

    [Fact]
    public void Respond_GenTime_FollowsTheTimeProvider()
    {
        var time = new FakeTimeProvider(TsaFixture.Now);
        var authority = TsaFixture.CreateAuthority(Certificate, time);
        time.Advance(TimeSpan.FromHours(2));
        var request = TimestampTokens.CreateRequest(Digest, out var nonce);

        Assert.True(TimestampTokens.TryReadResponse(authority.Respond(request), Digest, nonce, out var token, out _));
        Assert.True(TimestampTokens.TryVerifyToken(token, Digest, Certificate, out var genTime, out _));
        Assert.Equal(TsaFixture.Now.AddHours(2), genTime);
    }

    [Fact]
    public void TryVerifyToken_DifferentDigest_Fails()
    {
        var token = Timestamp(Digest);
        var other = SHA256.HashData("another tree head"u8);

        Assert.False(TimestampTokens.TryVerifyToken(token, other, Certificate, out _, out var error));
        Assert.Contains("different digest", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadResponse_DifferentDigestOrNonce_Fails()
    {
        var request = TimestampTokens.CreateRequest(Digest, out var nonce);
        var response = Authority.Respond(request);
        var otherNonce = (byte[])nonce.Clone();
        otherNonce[^1] ^= 1;

        Assert.False(TimestampTokens.TryReadResponse(response, SHA256.HashData("x"u8), nonce, out _, out _));
        Assert.False(TimestampTokens.TryReadResponse(response, Digest, otherNonce, out _, out var error));
        Assert.Contains("nonce", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryVerifyToken_AnotherTsaCertificate_Fails()
    {
        var token = Timestamp(Digest);
        using var other = TsaFixture.CreateCertificate();

        Assert.False(TimestampTokens.TryVerifyToken(token, Digest, other, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void TryVerifyToken_CertificateWithoutTimeStampingUsage_Fails()
    {
        var token = Timestamp(Digest);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var plain = new CertificateRequest("CN=Not a TSA", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(TsaFixture.Now.AddDays(-1), TsaFixture.Now.AddDays(1));

        Assert.False(TimestampTokens.TryVerifyToken(token, Digest, plain, out _, out var error));
        Assert.Contains("id-kp-timeStamping", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// Parts of a token are not signed (the embedded certificate, the signer's issuer and serial,
    /// the outer digestAlgorithms set), so some flips still verify; those must leave the signed
    /// claims (TSTInfo) unchanged. Every flip in the TSTInfo or the signature must fail.
    /// </summary>
    [Fact]
    public void TryReadResponse_CorruptedResponse_FailsWithoutThrowingOrLeavesSignedClaimsIntact()
    {
        var request = TimestampTokens.CreateRequest(Digest, out var nonce);
        var response = Authority.Respond(request);
        Assert.True(TimestampTokens.TryReadResponse(response, Digest, nonce, out var original, out _));
        var signedInfo = TstInfo(original);
        var rejected = 0;
        for (var i = 0; i < response.Length; i++)
        {
            var corrupted = (byte[])response.Clone();
            corrupted[i] ^= 0x04;
            if (TimestampTokens.TryReadResponse(corrupted, Digest, nonce, out var token, out _) &&
                TimestampTokens.TryVerifyToken(token, Digest, Certificate, out _, out _))
            {
                Assert.Equal(signedInfo, TstInfo(token));
            }
            else
            {
                rejected++;
            }
        }

        Assert.True(rejected > response.Length / 3, $"only {rejected} of {response.Length} flips were rejected");
        Assert.False(TimestampTokens.TryReadResponse(response[..^10], Digest, nonce, out _, out _));
        Assert.False(TimestampTokens.TryReadResponse([], Digest, nonce, out _, out _));
        Assert.False(TimestampTokens.TryReadResponse(null!, Digest, nonce, out _, out _));
    }

    [Fact]
    public void TryVerifyToken_AnyFlipInTstInfoOrSignature_Fails()
    {
        var token = Timestamp(Digest);
        var parsed = new TimeStampToken(new CmsSignedData(token));
        var tstInfo = parsed.TimeStampInfo.GetEncoded();
        var signature = parsed.ToCmsSignedData().GetSignerInfos().GetSigners().Single().GetSignature();
        var signedRanges = new[] { Find(token, tstInfo), Find(token, signature) };

        foreach (var range in signedRanges)
        {
            for (var i = range.Start.Value; i < range.End.Value; i++)
            {
                var corrupted = (byte[])token.Clone();
                corrupted[i] ^= 0x01;
                Assert.False(TimestampTokens.TryVerifyToken(corrupted, Digest, Certificate, out _, out _), $"byte {i} flipped still verifies");
            }
        }

        Assert.False(TimestampTokens.TryVerifyToken([0x30, 0x03, 0x02, 0x01, 0x01], Digest, Certificate, out _, out _));
        Assert.False(TimestampTokens.TryVerifyToken([], Digest, Certificate, out _, out _));
        Assert.False(TimestampTokens.TryVerifyToken(token, Digest, null!, out _, out _));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x30 })]
    [InlineData(new byte[] { 0x30, 0x03, 0x02, 0x01, 0x01 })]
    [InlineData(new byte[] { 0x04, 0x02, 0xde, 0xad })]
    public void Respond_MalformedRequest_ReturnsRejectionWithBadDataFormat(byte[] request)
    {
        var response = new TimeStampResponse(Authority.Respond(request));

        Assert.Equal(Rejection, response.Status);
        Assert.True((response.GetFailInfo().IntValue & PkiFailureInfo.BadDataFormat) != 0);
        Assert.Null(response.TimeStampToken);
    }

    [Fact]
    public void Respond_UnacceptedDigestAlgorithm_ReturnsRejection()
    {
        var request = new TimeStampRequestGenerator().Generate(TspAlgorithms.MD5, new byte[16]);

        var response = new TimeStampResponse(Authority.Respond(request.GetEncoded()));

        Assert.Equal(Rejection, response.Status);
        Assert.False(TimestampTokens.TryReadResponse(response.GetEncoded(), Digest, new byte[16], out _, out var error));
        Assert.Contains("did not grant", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_CertificateWithoutCriticalTimeStampingUsage_Throws()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Bad TSA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(TimestampTokens.TimeStampingOid)], critical: false));
        using var certificate = request.CreateSelfSigned(TsaFixture.Now.AddDays(-1), TsaFixture.Now.AddDays(1));

        Assert.Throws<ArgumentException>(() => new TimestampAuthority(certificate, key, TimeProvider.System));
    }

    [Fact]
    public void Constructor_KeyNotMatchingCertificate_Throws()
    {
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.Throws<ArgumentException>(() => new TimestampAuthority(Certificate, otherKey, TimeProvider.System));
    }

    [Fact]
    public void CreateCertificate_IssuedByCa_ChainsToTheCaAndTokensVerify()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Naqil Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(TsaFixture.Now.AddDays(-1), TsaFixture.Now.AddDays(10));

        using var tsaCertificate = TimestampAuthorityCertificates.Create(
            "CN=Issued TSA", new FakeTimeProvider(TsaFixture.Now), TimeSpan.FromDays(365), ca, caKey);
        var authority = TsaFixture.CreateAuthority(tsaCertificate);
        var request = TimestampTokens.CreateRequest(Digest, out var nonce);

        Assert.Equal(ca.SubjectName.Name, tsaCertificate.IssuerName.Name);
        Assert.Equal(ca.NotAfter, tsaCertificate.NotAfter);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = TsaFixture.Now.UtcDateTime;
        Assert.True(chain.Build(tsaCertificate), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.True(TimestampTokens.TryReadResponse(authority.Respond(request), Digest, nonce, out var token, out _));
        Assert.True(TimestampTokens.TryVerifyToken(token, Digest, tsaCertificate, out _, out var error), error);
    }

    private static byte[] TstInfo(byte[] token) => new TimeStampToken(new CmsSignedData(token)).TimeStampInfo.GetEncoded();

    private static Range Find(byte[] haystack, byte[] needle)
    {
        var start = haystack.AsSpan().IndexOf(needle);
        Assert.True(start > 0, "signed part not found in the token");
        return start..(start + needle.Length);
    }

    private static byte[] Timestamp(byte[] digest)
    {
        var request = TimestampTokens.CreateRequest(digest, out var nonce);
        Assert.True(TimestampTokens.TryReadResponse(Authority.Respond(request), digest, nonce, out var token, out var error), error);
        return token;
    }
}

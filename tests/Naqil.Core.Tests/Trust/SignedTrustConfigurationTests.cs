using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Naqil.Trust;

namespace Naqil.Core.Tests.Trust;

/// <summary>
/// The detached JWS over a trust configuration is hashed in slices instead of over one big
/// base64url string; it must still be exactly RFC 7515's signing input, and every byte of a large
/// document must still count.
/// </summary>
public sealed class SignedTrustConfigurationTests : IDisposable
{
    private const int Slice = SignedTrustConfiguration.SigningInputSlice;

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _anchor;

    public SignedTrustConfigurationTests()
    {
        _anchor = new CertificateRequest("CN=registry", _key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    public void Dispose()
    {
        _anchor.Dispose();
        _key.Dispose();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(Slice - 1)]
    [InlineData(Slice)]
    [InlineData(Slice + 1)]
    [InlineData(Slice + 2)]
    [InlineData((2 * Slice) + 1)]
    [InlineData((7 * Slice) + 5)]
    public void HashSigningInput_AnyLength_IsSha256OfTheWholeSigningInput(int length)
    {
        var payload = new byte[length];
        new Random(length).NextBytes(payload);
        const string Header = "eyJhbGciOiJFUzI1NiJ9";

        var expected = SHA256.HashData(Encoding.ASCII.GetBytes($"{Header}.{Base64Url.EncodeToString(payload)}"));

        Assert.Equal(expected, SignedTrustConfiguration.HashSigningInput(Header, payload));
    }

    [Fact]
    public void TryVerify_JwsSignedOverTheWholeSigningInput_Accepted()
    {
        // Another JWS library signs the signing input as one string, as RFC 7515 writes it.
        var payload = Sign(Large()).Payload;
        var header = Base64Url.EncodeToString("""{"alg":"ES256","typ":"naqil-trust+json"}"""u8);
        var signature = _key.SignData(Encoding.ASCII.GetBytes($"{header}.{Base64Url.EncodeToString(payload)}"), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

        Assert.True(SignedTrustConfiguration.TryVerify(payload, $"{header}..{Base64Url.EncodeToString(signature)}", _anchor, out var verified, out var error), error);
        Assert.Equal(2_000, verified.Configuration.Members.Count);
    }

    [Fact]
    public void TryVerify_OneByteChangedAnywhereInALargeDocument_Refused()
    {
        var signed = Sign(Large());
        var length = signed.Payload.Length;
        Assert.True(length > 6 * Slice, $"the document ({length} bytes) should span several slices");
        var random = new Random(5);
        int[] positions = [0, 1, 2, Slice - 1, Slice, Slice + 1, (3 * Slice) + 2, length / 2, length - 2, length - 1, .. Enumerable.Range(0, 20).Select(_ => random.Next(length))];

        foreach (var position in positions)
        {
            var tampered = (byte[])signed.Payload.Clone();
            tampered[position] ^= 0x01;

            Assert.False(SignedTrustConfiguration.TryVerify(tampered, signed.Jws, _anchor, out _, out var error), $"byte {position}");
            Assert.Contains("does not verify", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TryVerify_DocumentShortenedOrExtendedByOneByte_Refused()
    {
        var signed = Sign(Large());

        Assert.False(SignedTrustConfiguration.TryVerify(signed.Payload[..^1], signed.Jws, _anchor, out _, out _));
        Assert.False(SignedTrustConfiguration.TryVerify([.. signed.Payload, (byte)' '], signed.Jws, _anchor, out _, out _));
        Assert.True(SignedTrustConfiguration.TryVerify(signed.Payload, signed.Jws, _anchor, out _, out var error), error);
    }

    [Fact]
    public void TryVerifySignature_Valid_ThenTryParseVerified_GivesTheConfiguration()
    {
        var signed = Sign(Large());

        Assert.True(SignedTrustConfiguration.TryVerifySignature(signed.Payload, signed.Jws, _anchor, out var error), error);
        Assert.True(SignedTrustConfiguration.TryParseVerified(signed.Payload, signed.Jws, out var parsed, out error), error);
        Assert.Equal(signed.Configuration.Members, parsed.Configuration.Members);
    }

    [Fact]
    public void Sign_WritesPlusAndArabicAsThemselves_EscapesWhatJsonRequires()
    {
        var configuration = Small("وزارة الداخلية \"quoted\"\n<b>&", [0xFB, 0xFF, 0x00, 0xF8]);

        var signed = Sign(configuration);

        var text = Encoding.UTF8.GetString(signed.Payload);
        Assert.Contains("وزارة الداخلية \\\"quoted\\\"\\n<b>&", text, StringComparison.Ordinal);
        Assert.Contains("\"+/8A+A==\"", text, StringComparison.Ordinal);
        Assert.True(SignedTrustConfiguration.TryVerify(signed.Payload, signed.Jws, _anchor, out var verified, out var error), error);
        Assert.Equal(configuration.Members, verified.Configuration.Members);
        Assert.True(configuration.Gateways[0].SameAs(verified.Configuration.Gateways[0]));
    }

    [Fact]
    public void TryVerify_DocumentWithPlusAndNonAsciiEscaped_ReadsTheSameConfiguration()
    {
        // As registries before the relaxed writer wrote it: '+' in base64 as \u002B, Arabic as \u06XX.
        var payload = Encoding.UTF8.GetBytes("""
            {"format":1,"instance":"SY","serial":1,"issued":"2026-01-01T00:00:00+00:00","expires":"2026-01-01T00:10:00+00:00",
            "members":[{"id":"SY/GOV/MOI","name":"\u0648\u0632\u0627\u0631\u0629"}],
            "gateways":[{"member":"SY/GOV/MOI","code":"gw1","address":"https://gw.moi.example:8443","tlsCertificate":"\u002B/8A\u002BA==","signingCertificate":"\u002B/8A\u002BA=="}]}
            """);
        var header = Base64Url.EncodeToString("""{"alg":"ES256"}"""u8);
        var signature = _key.SignData(Encoding.ASCII.GetBytes($"{header}.{Base64Url.EncodeToString(payload)}"), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

        Assert.True(SignedTrustConfiguration.TryVerify(payload, $"{header}..{Base64Url.EncodeToString(signature)}", _anchor, out var verified, out var error), error);

        Assert.Equal("وزارة", verified.Configuration.Members[0].Name);
        Assert.Equal([0xFB, 0xFF, 0x00, 0xF8], verified.Configuration.Gateways[0].TlsCertificate);
        Assert.Equal([0xFB, 0xFF, 0x00, 0xF8], verified.Configuration.Gateways[0].SigningCertificate);
    }

    private SignedTrustConfiguration Sign(TrustConfiguration configuration) => SignedTrustConfiguration.Sign(configuration, _key, _anchor);

    private static TrustConfiguration Small(string name, byte[] certificate) => new()
    {
        Instance = "SY",
        Serial = 1,
        Issued = DateTimeOffset.UtcNow,
        Expires = DateTimeOffset.UtcNow.AddMinutes(10),
        Members = [new MemberEntry("SY/GOV/MOI", name)],
        Gateways = [new GatewayEntry("SY/GOV/MOI", "gw1", "https://gw.moi.example:8443", certificate, certificate)],
    };

    /// <summary>About 400 KB: 2,000 members, each with a subsystem, a service and an Arabic name.</summary>
    private static TrustConfiguration Large() => new()
    {
        Instance = "SY",
        Serial = 7,
        Issued = DateTimeOffset.UtcNow,
        Expires = DateTimeOffset.UtcNow.AddMinutes(10),
        Members = [.. Enumerable.Range(0, 2_000).Select(i => new MemberEntry($"SY/GOV/M{i:D5}", $"Member {i} / العضو {i}"))],
        Subsystems = [.. Enumerable.Range(0, 2_000).Select(i => new SubsystemEntry($"SY/GOV/M{i:D5}/system"))],
        Services = [.. Enumerable.Range(0, 2_000).Select(i => new ServiceEntry($"SY/GOV/M{i:D5}/system/records", i % 2 == 0, "Records held by this member"))],
    };
}

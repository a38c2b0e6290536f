using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Naqil.Gateway.Tests.TestEnvironment;
using Naqil.Gateway.Trust;
using Naqil.Identifiers;
using Naqil.Trust;

namespace Naqil.Gateway.Tests.Trust;

/// <summary>
/// Indexing reads large configurations on several threads and carries unchanged gateways over from
/// the previous snapshot; neither may let a bad entry through or change which entry is blamed.
/// </summary>
public sealed class TrustSnapshotTests : IDisposable
{
    /// <summary>Distinct certificates for a few hundred gateways: above the size indexed in parallel.</summary>
    private const int Distinct = 300;

    private static readonly Lazy<(byte[] Tls, byte[] Signing, string TlsThumbprint, string SigningThumbprint)[]> Certificates = new(CreateCertificates);

    private readonly ECDsa _registryKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _anchor;

    public TrustSnapshotTests()
    {
        _anchor = new CertificateRequest("CN=registry", _registryKey, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    public void Dispose()
    {
        _anchor.Dispose();
        _registryKey.Dispose();
    }

    [Fact]
    public void TryCreate_ManyGateways_EachIndexedUnderTheThumbprintsX509Computes()
    {
        var certificates = Certificates.Value;

        Assert.True(TrustSnapshot.TryCreate(Sign(Configuration(Distinct)), null, out var snapshot, out var error), error);

        for (var i = 0; i < Distinct; i++)
        {
            Assert.True(snapshot.TryGetGatewayByTls(certificates[i].TlsThumbprint, out var byTls));
            Assert.True(snapshot.TryGetGatewayBySigningKey(certificates[i].SigningThumbprint, out var bySigning));
            Assert.Same(byTls, bySigning);
            Assert.Equal(MemberId.Parse(Member(i)), byTls.Member);
            Assert.Equal($"https://gw{i}.example:8443", byTls.Authority);
            Assert.Same(byTls, Assert.Single(snapshot.GatewaysOf(byTls.Member)));
        }

        Assert.Equal(Distinct, snapshot.AllGateways.Count());
    }

    [Theory]
    [InlineData("tls", "p384")]
    [InlineData("signing", "p384")]
    [InlineData("signing", "truncated")]
    [InlineData("tls", "not DER")]
    public void TryCreate_BadCertificateInTheLastOf10000Gateways_RefusedWhole(string which, string how)
    {
        var configuration = Configuration(10_000);
        var last = configuration.Gateways[^1];
        var bad = Bad(how, last.SigningCertificate);
        var gateways = configuration.Gateways.ToList();
        gateways[^1] = which == "tls" ? last with { TlsCertificate = bad } : last with { SigningCertificate = bad };

        Assert.False(TrustSnapshot.TryCreate(Sign(configuration with { Gateways = gateways }), null, out _, out var error));

        Assert.Equal("gateway 'SY/GOV/M09999/gw1' has a certificate that is not DER with an ECDSA P-256 key", error);
    }

    [Fact]
    public void TryCreate_SeveralBadGateways_ReasonNamesTheFirstInDocumentOrder()
    {
        var configuration = Configuration(10_000);
        var gateways = configuration.Gateways.ToList();
        gateways[9_999] = gateways[9_999] with { SigningCertificate = Bad("p384", []) };
        gateways[7_000] = gateways[7_000] with { Member = "IQ/GOV/M07000" };
        gateways[5_000] = gateways[5_000] with { Address = "http://gw5000.example:8443" };
        var signed = Sign(configuration with { Gateways = gateways });

        // Read on several threads, in whatever order they finish: the verdict must not vary.
        for (var run = 0; run < 5; run++)
        {
            Assert.False(TrustSnapshot.TryCreate(signed, null, out _, out var error));
            Assert.Equal("gateway 'SY/GOV/M05000/gw1' has address 'http://gw5000.example:8443', which is not an https URL", error);
        }
    }

    [Fact]
    public void TryCreate_WithPrevious_UnchangedGatewaysCarriedOver_ChangedOnesReadAgain()
    {
        var certificates = Certificates.Value;
        var first = Configuration(Distinct);
        Assert.True(TrustSnapshot.TryCreate(Sign(first), null, out var previous, out var error), error);
        var gateways = first.Gateways.ToList();
        gateways[1] = gateways[1] with { SigningCertificate = certificates[^1].Signing };
        gateways[2] = gateways[2] with { Address = "https://moved.example:9443" };
        gateways.RemoveAt(3);
        // Through the wire format, as the poller sees it: every string a fresh copy.
        var second = Sign(first with { Serial = 2, Gateways = gateways });
        Assert.True(SignedTrustConfiguration.TryVerify(second.Payload, second.Jws, _anchor, out var fetched, out error), error);

        Assert.True(TrustSnapshot.TryCreate(fetched, previous, out var snapshot, out error), error);

        Assert.True(previous.TryGetGatewayByTls(certificates[0].TlsThumbprint, out var before));
        Assert.True(snapshot.TryGetGatewayByTls(certificates[0].TlsThumbprint, out var after));
        Assert.Same(before.Address, after.Address);
        Assert.Same(before.TlsThumbprint, after.TlsThumbprint);
        Assert.Same(before.LazySigningKey, after.LazySigningKey);
        Assert.Equal(before.Id, after.Id);
        // The new document's entry, not the old one's: the old document can be collected.
        Assert.Same(fetched.Configuration.Gateways[0], after.Source);

        Assert.True(snapshot.TryGetGatewayByTls(certificates[1].TlsThumbprint, out var newKey));
        Assert.Equal(certificates[^1].SigningThumbprint, newKey.SigningThumbprint);
        Assert.False(snapshot.TryGetGatewayBySigningKey(certificates[1].SigningThumbprint, out _));

        Assert.True(previous.TryGetGatewayByTls(certificates[2].TlsThumbprint, out var wasThere));
        Assert.True(snapshot.TryGetGatewayByTls(certificates[2].TlsThumbprint, out var moved));
        Assert.NotSame(wasThere, moved);
        Assert.Equal("https://moved.example:9443", moved.Authority);
        Assert.Same(wasThere.LazySigningKey, moved.LazySigningKey);

        Assert.False(snapshot.TryGetGatewayByTls(certificates[3].TlsThumbprint, out _));
        Assert.Equal(Distinct - 1, snapshot.AllGateways.Count());
    }

    [Fact]
    public void TryCreate_WithPrevious_HeldGatewayNowWithBadCertificate_RefusedWhole()
    {
        var first = Configuration(Distinct);
        Assert.True(TrustSnapshot.TryCreate(Sign(first), null, out var previous, out var error), error);
        var gateways = first.Gateways.ToList();
        gateways[42] = gateways[42] with { TlsCertificate = Bad("truncated", gateways[42].TlsCertificate) };

        Assert.False(TrustSnapshot.TryCreate(Sign(first with { Serial = 2, Gateways = gateways }), previous, out _, out error));

        Assert.Equal($"gateway '{Member(42)}/gw1' has a certificate that is not DER with an ECDSA P-256 key", error);
    }

    [Fact]
    public void TryCreate_WithPrevious_SameEntriesUnderAnotherInstance_Refused()
    {
        var first = Configuration(Distinct);
        Assert.True(TrustSnapshot.TryCreate(Sign(first), null, out var previous, out var error), error);

        Assert.False(TrustSnapshot.TryCreate(Sign(first with { Instance = "IQ", Members = [], Subsystems = [], Services = [] }), previous, out _, out error));

        Assert.StartsWith($"gateway '{Member(0)}/gw1' is not a gateway of instance IQ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryVerifyAndIndex_CertificateNotBase64InGateway9999_RefusedWhole()
    {
        var configuration = Configuration(10_000);
        var good = Sign(configuration).Payload;
        // Gateway 9,999 repeats certificate 9,999 % 300 = 99 of the earlier ones; cut its last occurrence.
        var text = System.Text.Encoding.UTF8.GetString(good);
        var signing = Convert.ToBase64String(configuration.Gateways[^1].SigningCertificate);
        var at = text.LastIndexOf(signing, StringComparison.Ordinal);
        var payload = System.Text.Encoding.UTF8.GetBytes(string.Concat(text.AsSpan(0, at), "not base64!", text.AsSpan(at + signing.Length)));
        var header = Base64Url.EncodeToString("""{"alg":"ES256"}"""u8);
        var signature = _registryKey.SignData(System.Text.Encoding.ASCII.GetBytes($"{header}.{Base64Url.EncodeToString(payload)}"), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

        Assert.False(TrustSnapshot.TryVerifyAndIndex(payload, $"{header}..{Base64Url.EncodeToString(signature)}", _anchor, "SY", null, out _, out var error));

        Assert.StartsWith("the configuration is signed but is not a valid trust configuration", error, StringComparison.Ordinal);
        Assert.Contains("$.gateways[9999].signingCertificate", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryVerifyAndIndex_TamperedDocument_RefusedBeforeIndexing()
    {
        var signed = Sign(Configuration(Distinct));
        var tampered = (byte[])signed.Payload.Clone();
        tampered[tampered.Length / 2] ^= 0x01;

        Assert.False(TrustSnapshot.TryVerifyAndIndex(tampered, signed.Jws, _anchor, "SY", null, out _, out var error));
        Assert.Contains("does not verify", error, StringComparison.Ordinal);
        Assert.True(TrustSnapshot.TryVerifyAndIndex(signed.Payload, signed.Jws, _anchor, "SY", null, out var snapshot, out error), error);
        Assert.Equal(Distinct, snapshot.AllGateways.Count());
        Assert.False(TrustSnapshot.TryVerifyAndIndex(signed.Payload, signed.Jws, _anchor, "IQ", null, out _, out error));
        Assert.Equal("the configuration is for instance SY, not IQ", error);
    }

    private SignedTrustConfiguration Sign(TrustConfiguration configuration) => SignedTrustConfiguration.Sign(configuration, _registryKey, _anchor);

    private static string Member(int i) => $"SY/GOV/M{i:D5}";

    /// <summary>Each member with a subsystem, a service and a gateway; certificates repeat after <see cref="Distinct"/>.</summary>
    private static TrustConfiguration Configuration(int members)
    {
        var certificates = Certificates.Value;
        return new TrustConfiguration
        {
            Instance = "SY",
            Serial = 1,
            Issued = DateTimeOffset.UtcNow,
            Expires = DateTimeOffset.UtcNow.AddMinutes(10),
            Members = [.. Enumerable.Range(0, members).Select(i => new MemberEntry(Member(i), $"Member {i}"))],
            Subsystems = [.. Enumerable.Range(0, members).Select(i => new SubsystemEntry($"{Member(i)}/system"))],
            Services = [.. Enumerable.Range(0, members).Select(i => new ServiceEntry($"{Member(i)}/system/records", false))],
            Gateways = [.. Enumerable.Range(0, members).Select(i => new GatewayEntry(Member(i), "gw1", $"https://gw{i}.example:8443",
                certificates[i % Distinct].Tls, certificates[i % Distinct].Signing))],
        };
    }

    private static byte[] Bad(string how, byte[] good)
    {
        switch (how)
        {
            case "p384":
                using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP384))
                using (var certificate = new CertificateRequest("CN=p384", key, HashAlgorithmName.SHA384).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)))
                {
                    return certificate.RawData;
                }

            case "truncated":
                return good[..^10];
            default:
                return "not DER"u8.ToArray();
        }
    }

    private static (byte[], byte[], string, string)[] CreateCertificates() =>
    [
        .. Enumerable.Range(0, Distinct + 1).Select(i =>
        {
            using var tls = TestPki.CreateTlsCertificate($"gateway {i}");
            using var signing = TestPki.CreateSigningCertificate($"gateway {i} signing");
            return (tls.RawData, signing.RawData, SignedTrustConfiguration.Thumbprint(tls), SignedTrustConfiguration.Thumbprint(signing));
        }),
    ];
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Naqil.Gateway.Trust;
using Naqil.Trust;

namespace Naqil.Benchmarks.Trust;

/// <summary>
/// What a gateway does with each new trust configuration (<see cref="TrustSnapshot.TryVerifyAndIndex"/>,
/// <see cref="Adopt"/>): verify the registry's detached JWS, parse the JSON (together the baseline,
/// and apart), then index it (<see cref="TrustSnapshot.TryCreate"/>: identifiers, addresses, every
/// gateway's two certificates and thumbprints), cold or over the previous snapshot. Each member has
/// one subsystem, one service and one gateway. Budget (issue 5): 10,000 members verified and indexed
/// in ≤ 200 ms.
/// </summary>
[MemoryDiagnoser]
public class TrustSnapshotBenchmarks
{
    private ECDsa _anchorKey = null!;
    private X509Certificate2 _anchor = null!;
    private SignedTrustConfiguration _signed = null!;
    private SignedTrustConfiguration _nextSerial = null!;
    private TrustSnapshot _held = null!;

    [Params(10, 1_000, 10_000)]
    public int Members { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _anchorKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _anchor = new CertificateRequest("CN=registry", _anchorKey, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var now = DateTimeOffset.UtcNow;
        var members = new List<MemberEntry>();
        var subsystems = new List<SubsystemEntry>();
        var services = new List<ServiceEntry>();
        var gateways = new List<GatewayEntry>();
        for (var i = 0; i < Members; i++)
        {
            var member = $"SY/GOV/M{i:D5}";
            members.Add(new MemberEntry(member, $"Member {i}"));
            subsystems.Add(new SubsystemEntry($"{member}/system"));
            services.Add(new ServiceEntry($"{member}/system/records", i % 2 == 0, "Records"));
            gateways.Add(new GatewayEntry(member, "gw1", $"https://gw{i}.example:8443", Certificate(i, "tls"), Certificate(i, "signing")));
        }

        var configuration = new TrustConfiguration
        {
            Instance = "SY",
            Serial = 1,
            Issued = now,
            Expires = now.AddMinutes(10),
            Members = members,
            Subsystems = subsystems,
            Services = services,
            Gateways = gateways,
        };
        _signed = SignedTrustConfiguration.Sign(configuration, _anchorKey, _anchor);
        // The registry re-signs the same members under the next serial; through the wire, so every string is a fresh copy.
        var next = SignedTrustConfiguration.Sign(configuration with { Serial = 2 }, _anchorKey, _anchor);
        _nextSerial = SignedTrustConfiguration.TryVerify(next.Payload, next.Jws, _anchor, out var verified, out var error) ? verified : throw new InvalidOperationException(error);
        _held = TrustSnapshot.TryCreate(_signed, null, out var held, out error) ? held : throw new InvalidOperationException(error);
    }

    private static byte[] Certificate(int i, string kind)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest($"CN=gateway {i} {kind}", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(365));
        return certificate.RawData;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _anchor.Dispose();
        _anchorKey.Dispose();
    }

    [Benchmark(Baseline = true)]
    public SignedTrustConfiguration? VerifyAndParse() =>
        SignedTrustConfiguration.TryVerify(_signed.Payload, _signed.Jws, _anchor, out var verified, out _) ? verified : null;

    [Benchmark]
    public bool VerifySignatureOnly() => SignedTrustConfiguration.TryVerifySignature(_signed.Payload, _signed.Jws, _anchor, out _);

    [Benchmark]
    public SignedTrustConfiguration? ParseOnly() =>
        SignedTrustConfiguration.TryParseVerified(_signed.Payload, _signed.Jws, out var parsed, out _) ? parsed : null;

    [Benchmark]
    public long Index() => TrustSnapshot.TryCreate(_signed, null, out var snapshot, out _) ? snapshot.Serial : -1;

    /// <summary>The next serial of the same members, indexed over the snapshot it replaces: every gateway carried over.</summary>
    [Benchmark]
    public long IndexNextSerial() => TrustSnapshot.TryCreate(_nextSerial, _held, out var snapshot, out _) ? snapshot.Serial : -1;

    /// <summary>The whole of what the poller does with a fetched document, cold.</summary>
    [Benchmark]
    public long Adopt() => TrustSnapshot.TryVerifyAndIndex(_signed.Payload, _signed.Jws, _anchor, "SY", null, out var snapshot, out _) ? snapshot.Serial : -1;

    /// <summary>Certificate parsing alone, the part of indexing that grows with the gateways: load, key, thumbprint.</summary>
    [Benchmark]
    public int LoadCertificatesOnly()
    {
        var n = 0;
        foreach (var gateway in _signed.Configuration.Gateways)
        {
            using var certificate = X509CertificateLoader.LoadCertificate(gateway.SigningCertificate);
            using var key = certificate.GetECDsaPublicKey();
            n += SignedTrustConfiguration.Thumbprint(certificate).Length;
        }

        return n;
    }
}

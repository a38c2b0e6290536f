using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Naqil.Gateway.Trust;
using Naqil.Trust;

namespace Naqil.Benchmarks.Trust;

/// <summary>
/// What a gateway does with each new trust configuration: verify the registry's JWS and parse the
/// JSON (the baseline), then index it (the real <see cref="TrustSnapshot.TryCreate"/>: identifiers,
/// every gateway's two certificates, their keys and thumbprints). Each member has one subsystem, one
/// service and one gateway. Budget (issue 5): 10,000 members verified and indexed in ≤ 200 ms.
/// </summary>
[MemoryDiagnoser]
public class TrustSnapshotBenchmarks
{
    private ECDsa _anchorKey = null!;
    private X509Certificate2 _anchor = null!;
    private SignedTrustConfiguration _signed = null!;

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
    }

    private static string Certificate(int i, string kind)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest($"CN=gateway {i} {kind}", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(365));
        return Convert.ToBase64String(certificate.RawData);
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
    public long Index() => TrustSnapshot.TryCreate(_signed, null, out var snapshot, out _) ? snapshot.Serial : -1;

    /// <summary>Certificate parsing alone, the part of indexing that grows with the gateways: load, key, thumbprint.</summary>
    [Benchmark]
    public int LoadCertificatesOnly()
    {
        var n = 0;
        foreach (var gateway in _signed.Configuration.Gateways)
        {
            using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(gateway.SigningCertificate));
            using var key = certificate.GetECDsaPublicKey();
            n += SignedTrustConfiguration.Thumbprint(certificate).Length;
        }

        return n;
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Messages;
using Naqil.Gateway.Signing;
using Naqil.Gateway.Trust;
using Naqil.Signatures;
using Naqil.Trust;

namespace Naqil.Benchmarks.Gateway;

/// <summary>
/// The signing path of one whole exchange through both gateways, with the gateway's own classes
/// (<see cref="SignedRequestFactory"/>, <see cref="ExchangeSignatures"/>, <see cref="MessageViews"/>):
/// the consumer signs the request, the provider verifies it and its digest and signs the answer,
/// the consumer verifies the answer. The baseline is the bare ECDSA work of that exchange (two
/// signs, two verifies of a 600-byte base), so the ratio is the protocol's own cost and the
/// allocation column is what the signing path allocates per exchange. Kestrel's and HttpClient's
/// own allocations are not in it: the load harness shows those as CPU per exchange.
/// </summary>
[MemoryDiagnoser]
public class ExchangeSigningBenchmarks
{
    private readonly byte[] _responseBody = new byte[600];
    private readonly byte[] _base = new byte[600];
    private string _folder = "";
    private GatewayKeys _consumerKeys = null!;
    private GatewayKeys _providerKeys = null!;
    private ExchangeSignatures _consumer = null!;
    private ExchangeSignatures _provider = null!;
    private SignedRequestFactory _requests = null!;
    private TrustSnapshot _trust = null!;
    private PeerGateway _providerPeer = null!;
    private PeerGateway _consumerPeer = null!;
    private ExchangeTarget _target = null!;
    private byte[] _signature = [];
    private ECDsa _verifyKey = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("naqil-bench-").FullName;
        _consumerKeys = Keys("consumer");
        _providerKeys = Keys("provider");
        _consumer = new ExchangeSignatures(_consumerKeys, TimeProvider.System);
        _provider = new ExchangeSignatures(_providerKeys, TimeProvider.System);
        _requests = new SignedRequestFactory(_consumer);
        using var anchorKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var anchor = new CertificateRequest("CN=registry", anchorKey, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var now = DateTimeOffset.UtcNow;
        var configuration = new TrustConfiguration
        {
            Instance = "SY",
            Serial = 1,
            Issued = now,
            Expires = now.AddMinutes(10),
            Members = [new MemberEntry("SY/GOV/MOCT", "MOCT"), new MemberEntry("SY/GOV/CIVREG", "CIVREG")],
            Subsystems = [new SubsystemEntry("SY/GOV/MOCT/portal"), new SubsystemEntry("SY/GOV/CIVREG/registry")],
            Services = [new ServiceEntry("SY/GOV/CIVREG/registry/persons", true)],
            Gateways =
            [
                Entry("SY/GOV/MOCT", "https://127.0.0.1:4111", _consumerKeys),
                Entry("SY/GOV/CIVREG", "https://127.0.0.1:4121", _providerKeys),
            ],
        };
        if (!TrustSnapshot.TryCreate(SignedTrustConfiguration.Sign(configuration, anchorKey, anchor), null, out var snapshot, out var error))
        {
            throw new InvalidOperationException(error);
        }

        _trust = snapshot;
        _consumerPeer = snapshot.GatewaysOf(Naqil.Identifiers.MemberId.Parse("SY/GOV/MOCT"))[0];
        _providerPeer = snapshot.GatewaysOf(Naqil.Identifiers.MemberId.Parse("SY/GOV/CIVREG"))[0];
        ExchangeTarget.TryParse("/r1/SY/GOV/CIVREG/registry/persons/persons/01010000001/record", out var target, out _);
        _target = target!;
        RandomNumberGenerator.Fill(_responseBody);
        RandomNumberGenerator.Fill(_base);
        _signature = _consumerKeys.SigningKey.SignData(_base, HashAlgorithmName.SHA256);
        _verifyKey = _consumerPeer.SigningKey;
        if (!Exchange())
        {
            throw new InvalidOperationException("the benchmark's own exchange does not verify");
        }
    }

    private GatewayKeys Keys(string name)
    {
        string Write(string kind)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using var certificate = new CertificateRequest($"CN={name} {kind}", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            File.WriteAllText(Path.Combine(_folder, $"{name}-{kind}.crt"), certificate.ExportCertificatePem());
            File.WriteAllText(Path.Combine(_folder, $"{name}-{kind}.key"), key.ExportPkcs8PrivateKeyPem());
            return Path.Combine(_folder, $"{name}-{kind}");
        }

        var tls = Write("tls");
        var signing = Write("signing");
        return new GatewayKeys(Options.Create(new GatewayOptions
        {
            TlsCertificateFile = tls + ".crt",
            TlsKeyFile = tls + ".key",
            SigningCertificateFile = signing + ".crt",
            SigningKeyFile = signing + ".key",
        }));
    }

    private static GatewayEntry Entry(string member, string address, GatewayKeys keys) =>
        new(member, "gw1", address, keys.TlsCertificate.RawData, keys.SigningCertificate.RawData);

    [GlobalCleanup]
    public void Cleanup()
    {
        _consumerKeys.Dispose();
        _providerKeys.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The ECDSA floor of one exchange: two signatures and two verifications, nothing else.</summary>
    [Benchmark(Baseline = true)]
    public bool EcdsaOnly()
    {
        _consumerKeys.SigningKey.SignData(_base, HashAlgorithmName.SHA256);
        _providerKeys.SigningKey.SignData(_base, HashAlgorithmName.SHA256);
        return _verifyKey.VerifyData(_base, _signature, HashAlgorithmName.SHA256) & _verifyKey.VerifyData(_base, _signature, HashAlgorithmName.SHA256);
    }

    [Benchmark]
    public bool Exchange()
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["naqil-id"] = Guid.NewGuid().ToString("D"),
            ["naqil-client"] = "SY/GOV/MOCT/portal",
            ["naqil-service"] = "SY/GOV/CIVREG/registry/persons",
            ["naqil-purpose"] = "application-processing",
            ["naqil-subject"] = "SY-NID:01010000001",
        };
        var signed = _requests.Create(_providerPeer, HttpMethod.Get, _target, headers, [], hasContent: false);
        using var message = signed.Message;

        // Provider: verify the request and its digest, then sign the answer bound to it.
        var incoming = signed.View;
        if (_provider.VerifyRequest(incoming, incoming.GetHeader("signature-input"), incoming.GetHeader("signature"), _trust, _consumerPeer, TimeSpan.FromSeconds(30), out _) is not null
            || !ContentDigest.Verify(incoming.GetHeader("content-digest"), []))
        {
            return false;
        }

        var answer = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["naqil-id"] = headers["naqil-id"],
            ["content-type"] = "application/json; charset=utf-8",
            ["content-digest"] = ContentDigest.Compute(_responseBody),
        };
        var response = _provider.SignResponse(MessageViews.FromOutgoingResponse(200, answer), answer, incoming);
        answer["signature-input"] = response.SignatureInput;
        answer["signature"] = response.Signature;

        // Consumer: verify the answer against the request it sent.
        var view = MessageViews.FromOutgoingResponse(200, answer);
        return _consumer.VerifyResponse(view, signed.View, response.SignatureInput, response.Signature, _providerPeer, TimeSpan.FromSeconds(30)) is null
            && ContentDigest.Verify(answer["content-digest"], _responseBody);
    }
}

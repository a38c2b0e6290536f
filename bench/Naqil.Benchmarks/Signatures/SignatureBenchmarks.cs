using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Naqil.Signatures;

namespace Naqil.Benchmarks.Signatures;

/// <summary>
/// The per-exchange cost of signing: against a plain SHA-256 of a typical ~600-byte body, so the
/// figures read as "how many body hashes is a signature worth".
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class SignatureBenchmarks
{
    private byte[] _body = [];
    private HttpMessageComponents _request = null!;
    private SignatureParameters _parameters = null!;
    private ECDsa _key = null!;
    private ParsedSignature _parsed = null!;
    private SignedFields _fields;

    [GlobalSetup]
    public void Setup()
    {
        var json = new StringBuilder("{\"nid\":\"01234567890\",\"fields\":[");
        while (json.Length < 580)
        {
            json.Append("\"name\",\"birth-date\",\"birth-place\",\"mother-name\",");
        }

        json.Append("\"end\"]}");
        _body = Encoding.UTF8.GetBytes(json.ToString());

        var headers = new Dictionary<string, string>
        {
            ["content-digest"] = ContentDigest.Compute(_body),
            ["naqil-id"] = "6f1f2b7e-3c1d-4c55-9d0e-5b8a9a3e2f10",
            ["naqil-client"] = "SY/GOV/MOCT/portal",
            ["naqil-service"] = "SY/GOV/MOI/civil-registry/person",
            ["naqil-user"] = "SY-NID:01234567890",
            ["naqil-purpose"] = "application-processing",
            ["naqil-subject"] = "SY-NID:09876543210",
        };
        _request = new HttpMessageComponents
        {
            Method = "POST",
            Authority = "gw.moi.example",
            Scheme = "https",
            Path = "/r1/SY/GOV/MOI/civil-registry/person/lookup",
            Query = "?v=1",
            GetHeader = name => headers.TryGetValue(name, out string? value) ? value : null,
        };
        _parameters = new SignatureParameters
        {
            Components =
            [
                new("@method"), new("@path"), new("@query"), new("content-digest"), new("naqil-id"), new("naqil-client"),
                new("naqil-service"), new("naqil-user"), new("naqil-purpose"), new("naqil-subject"),
            ],
            Created = 1767225600,
            Algorithm = HttpMessageSignatures.EcdsaP256Sha256,
            KeyId = "Yp0TgRn0a8ysQ6jbw3hsHK9oG0sBXo4Gf8zZ8hrF0vQ",
            Tag = "naqil-request",
        };
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _fields = HttpMessageSignatures.Sign(_request, null, _parameters, "naqil", _key);
        HttpMessageSignatures.TryParse(_fields.SignatureInput, _fields.Signature, "naqil", out _parsed, out _, out _);
    }

    [GlobalCleanup]
    public void Cleanup() => _key.Dispose();

    [Benchmark(Baseline = true)]
    public byte[] Sha256OfBody() => SHA256.HashData(_body);

    [Benchmark]
    public string ContentDigestCompute() => ContentDigest.Compute(_body);

    [Benchmark]
    public string BuildSignatureBase() => HttpMessageSignatures.BuildSignatureBase(_request, null, _parameters);

    [Benchmark]
    public bool TryParse() => HttpMessageSignatures.TryParse(_fields.SignatureInput, _fields.Signature, "naqil", out _, out _, out _);

    [Benchmark]
    public SignedFields Sign() => HttpMessageSignatures.Sign(_request, null, _parameters, "naqil", _key);

    [Benchmark]
    public bool Verify() => HttpMessageSignatures.Verify(_request, null, _parsed, _key, out _, out _);
}

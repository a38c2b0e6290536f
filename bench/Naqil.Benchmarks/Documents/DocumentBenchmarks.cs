using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Naqil.Agencies.CivilRegistry;
using Naqil.Documents.Rendering;
using Naqil.Documents.Sealing;
using Naqil.Documents.Validation;
using Naqil.Registry.Certificates.Tsa;

namespace Naqil.Benchmarks.Documents;

/// <summary>
/// Documents issued and verified per second (issue 19): a civil-record extract rendered, sealed as
/// PAdES B-T and B-LT, and validated offline, against the bare CMS over the same bytes with the same
/// ECDSA P-256 seal key (detached <see cref="SignedCms"/>, no attributes beyond the framework's, no
/// timestamp). The PKI is made once (root → seal CA → seal certificate, and the registry's TSA
/// certificate under the root); the TSA is the registry's <see cref="TimestampAuthority"/> called in
/// process, and the revocation data are CRLs made once, so neither HTTP nor a responder is timed.
/// Every benchmark is single-threaded.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class DocumentBenchmarks
{
    private Pki _pki = null!;
    private SealKey _sealKey = null!;
    private ECDsa _sealPrivateKey = null!;
    private InProcessTsa _tsa = null!;
    private InMemoryRevocation _revocation = null!;
    private PadesSealer _sealer = null!;
    private DocumentValidator _validator = null!;
    private Person _person = null!;
    private DocumentInfo _info = null!;
    private byte[] _rendered = [];
    private byte[] _sealedLt = [];

    [GlobalSetup]
    public void Setup()
    {
        _pki = Pki.Create();
        _sealKey = new SealKey(_pki.Seal, [Pki.Public(_pki.SealCa), Pki.Public(_pki.Root)]);
        _sealPrivateKey = _pki.Seal.GetECDsaPrivateKey()!;
        _tsa = new InProcessTsa(_pki);
        _revocation = new InMemoryRevocation(_pki);
        _sealer = new PadesSealer(TimeProvider.System);
        _validator = new DocumentValidator(new ValidationOptions { TrustAnchors = [Pki.Public(_pki.Root)] }, TimeProvider.System);
        _person = SyntheticPersons.All[0];
        _info = new DocumentInfo(Guid.Parse("0193a8c2-7f10-7a3e-9c41-2d5e8b6f0a17"), DateTimeOffset.UtcNow, new Uri("https://civreg.example.sy"));
        _rendered = Render().Pdf;
        _sealedLt = SealLt().GetAwaiter().GetResult();

        // What is timed must be what is meant: a B-LT seal that validates, or the figures mean nothing.
        var report = _validator.ValidatePdf(_sealedLt);
        var seal = report.Signatures.Single();
        if (report.Indication != Indication.TotalPassed || seal.Level != "B-LT")
        {
            throw new InvalidOperationException($"the sealed extract validates as {report.Indication} {seal.SubIndication} at level {seal.Level}, not TOTAL-PASSED at B-LT");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sealPrivateKey.Dispose();
        _tsa.Dispose();
        _pki.Dispose();
    }

    /// <summary>The floor of any seal: one detached CMS SignedData over the rendered extract's bytes.</summary>
    [Benchmark(Baseline = true)]
    public byte[] BareCms()
    {
        var cms = new SignedCms(new ContentInfo(_rendered), detached: true);
        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, _pki.Seal, _sealPrivateKey)
        {
            DigestAlgorithm = new Oid("2.16.840.1.101.3.4.2.1"),
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        cms.ComputeSignature(signer, silent: true);
        return cms.Encode();
    }

    /// <summary>The extract of one synthetic person as a PDF (Skia, HarfBuzz shaping, the QR code).</summary>
    [Benchmark]
    public RenderedDocument Render() => CivilRecordExtract.Render(_person, _info);

    /// <summary>Sealing an already rendered extract as B-LT: the sealer's share of an issue.</summary>
    [Benchmark]
    public Task<byte[]> SealLt() => _sealer.SealAsync(_rendered, _sealKey, _tsa, _revocation, PadesLevel.BaselineLT);

    /// <summary>Issue at B-T: render, then seal with the TSA's token over the signature value.</summary>
    [Benchmark]
    public Task<byte[]> IssueBt() => _sealer.SealAsync(Render().Pdf, _sealKey, _tsa, null, PadesLevel.BaselineT);

    /// <summary>Issue at B-LT: as B-T, then a DSS with the certificates and CRLs.</summary>
    [Benchmark]
    public Task<byte[]> IssueLt() => _sealer.SealAsync(Render().Pdf, _sealKey, _tsa, _revocation, PadesLevel.BaselineLT);

    /// <summary>Offline validation of a sealed B-LT extract against the test root.</summary>
    [Benchmark]
    public ValidationReport VerifyLt() => _validator.ValidatePdf(_sealedLt);

    /// <summary>The registry's RFC 3161 TSA in process (no HTTP), as the documents tests call it.</summary>
    private sealed class InProcessTsa(Pki pki) : ITimestampClient, IDisposable
    {
        private readonly ECDsa _key = pki.Tsa.GetECDsaPrivateKey()!;
        private TimestampAuthority? _authority;

        public IReadOnlyList<X509Certificate2> Chain { get; } = [Pki.Public(pki.Root)];

        public Task<byte[]> RequestAsync(byte[] timeStampRequest, CancellationToken cancellationToken)
        {
            _authority ??= new TimestampAuthority(pki.Tsa, _key, TimeProvider.System);
            return Task.FromResult(_authority.Respond(timeStampRequest));
        }

        public void Dispose() => _key.Dispose();
    }

    /// <summary>An empty CRL per issuing CA (the seal CA's and the root's), made once.</summary>
    private sealed class InMemoryRevocation(Pki pki) : IRevocationSource
    {
        private readonly byte[] _sealCaCrl = Crl(pki.SealCa);
        private readonly byte[] _rootCrl = Crl(pki.Root);

        public Task<RevocationData> GetAsync(X509Certificate2 certificate, X509Certificate2 issuer, CancellationToken cancellationToken) =>
            Task.FromResult(new RevocationData([], [issuer.Thumbprint == pki.SealCa.Thumbprint ? _sealCaCrl : _rootCrl]));

        private static byte[] Crl(X509Certificate2 issuer)
        {
            var now = DateTimeOffset.UtcNow;
            return new CertificateRevocationListBuilder().Build(issuer, BigInteger.One, now.AddDays(7), HashAlgorithmName.SHA256, thisUpdate: now.AddMinutes(-1));
        }
    }

    /// <summary>A throwaway PKI in real time, ECDSA P-256 throughout, made as the documents tests make theirs.</summary>
    private sealed class Pki : IDisposable
    {
        private Pki(X509Certificate2 root, X509Certificate2 sealCa, X509Certificate2 seal, X509Certificate2 tsa)
        {
            Root = root;
            SealCa = sealCa;
            Seal = seal;
            Tsa = tsa;
        }

        public X509Certificate2 Root { get; }

        public X509Certificate2 SealCa { get; }

        public X509Certificate2 Seal { get; }

        public X509Certificate2 Tsa { get; }

        public static Pki Create()
        {
            var now = DateTimeOffset.UtcNow;
            using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var rootRequest = new CertificateRequest("CN=Naqil Bench Root, O=Naqil, C=SY", rootKey, HashAlgorithmName.SHA256);
            rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
            var root = rootRequest.CreateSelfSigned(now.AddMinutes(-10), now.AddDays(30));

            var sealCa = Issue(root, "CN=Naqil Bench Seal CA, O=Naqil, C=SY", now, ca: true);
            var seal = Issue(sealCa, "CN=Civil Registry Seal, O=Civil Registry, C=SY", now, ca: false);
            using var rootPrivate = root.GetECDsaPrivateKey()!;
            var tsa = TimestampAuthorityCertificates.Create("CN=Naqil Bench TSA, O=Naqil, C=SY", TimeProvider.System, TimeSpan.FromDays(10), root, rootPrivate);
            return new Pki(root, sealCa, seal, tsa);
        }

        public static X509Certificate2 Public(X509Certificate2 certificate) => X509CertificateLoader.LoadCertificate(certificate.RawData);

        public void Dispose()
        {
            Root.Dispose();
            SealCa.Dispose();
            Seal.Dispose();
            Tsa.Dispose();
        }

        private static X509Certificate2 Issue(X509Certificate2 issuer, string subject, DateTimeOffset now, bool ca)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(ca, ca, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(
                ca ? X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign : X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
            using var issuerKey = issuer.GetECDsaPrivateKey()!;
            var serial = RandomNumberGenerator.GetBytes(12);
            serial[0] &= 0x7f;
            using var issued = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey), now.AddMinutes(-5), now.AddDays(20), serial);
            return issued.CopyWithPrivateKey(key);
        }
    }
}

using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using BenchmarkDotNet.Attributes;
using Naqil.MessageLog;

namespace Naqil.Benchmarks.MessageLog;

/// <summary>
/// Offline verification of an archive of 100,000 entries with a signed tree head every 1,000
/// entries, against the baseline of only recomputing the root from the same leaves. Each
/// operation is one entry: entries/s = 10⁹ / (ns per op).
/// </summary>
[MemoryDiagnoser]
public class ArchiveVerificationBenchmarks
{
    private const int Entries = 100_000;
    private const int HeadEvery = 1_000;

    private byte[] _archive = [];
    private byte[][] _leaves = [];

    [GlobalSetup]
    public void Setup()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=bench gateway", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var thumbprint = Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));
        var time = DateTimeOffset.UtcNow;
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            var builder = new MerkleTreeBuilder();
            _leaves = new byte[Entries][];
            using var entries = new MemoryStream();
            using var heads = new MemoryStream();
            {
                for (var i = 0; i < Entries; i++)
                {
                    var encoding = LogEntryEncoding.Encode(i, Entry(i, time));
                    _leaves[i] = LogEntryEncoding.LeafHash(encoding);
                    builder.Append(_leaves[i]);
                    LogArchive.WriteEntryRecord(entries, i, encoding);
                    if ((i + 1) % HeadEvery == 0)
                    {
                        var head = new TreeHead(i + 1, builder.ComputeRoot(), time.AddMilliseconds(i));
                        LogArchive.WriteTreeHeadRecord(heads, new SignedTreeHead(head, head.Sign(key)), thumbprint);
                    }
                }
            }

            using (var file = zip.CreateEntry(LogArchive.Entries, CompressionLevel.Fastest).Open())
            {
                file.Write(entries.ToArray());
            }

            using (var file = zip.CreateEntry(LogArchive.TreeHeads, CompressionLevel.Fastest).Open())
            {
                file.Write(heads.ToArray());
            }

            using (var leaves = zip.CreateEntry(LogArchive.Leaves, CompressionLevel.Fastest).Open())
            {
                for (var i = 0; i < Entries; i++)
                {
                    LogArchive.WriteLeafRecord(leaves, i, _leaves[i]);
                }
            }

            using (var pem = zip.CreateEntry(LogArchive.CertificatePath(thumbprint)).Open())
            {
                pem.Write(Encoding.ASCII.GetBytes(certificate.ExportCertificatePem()));
            }

            using var manifest = zip.CreateEntry(LogArchive.Manifest).Open();
            manifest.Write(Encoding.UTF8.GetBytes($$"""{"format":"{{LogArchive.Format}}","gateway":"SY/GOV/MOCT/gw1","firstIndex":0,"endIndex":{{Entries}},"treeSize":{{Entries}},"timestamps":[]}"""));
        }

        _archive = output.ToArray();
        if (!LogArchiveVerifier.Verify(new MemoryStream(_archive)).Ok)
        {
            throw new InvalidOperationException("the benchmark archive does not verify");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Entries)]
    public byte[] RecomputeRootOnly() => MerkleTree.ComputeRoot(_leaves);

    [Benchmark(OperationsPerInvoke = Entries)]
    public bool VerifyArchive() => LogArchiveVerifier.Verify(new MemoryStream(_archive)).Ok;

    private static LogEntry Entry(int i, DateTimeOffset time) => new()
    {
        Side = i % 2 == 0 ? "consumer" : "provider",
        NaqilId = new Guid(i, 0, 0, new byte[8]).ToString("D"),
        Client = "SY/GOV/MOCT/portal",
        Service = "SY/GOV/CIVREG/registry/persons",
        Method = "GET",
        Path = $"/persons/{i}",
        Status = 200,
        Outcome = "ok",
        Peer = "SY/GOV/CIVREG/gw1",
        RequestSignatureInput = "naqil=(\"@method\" \"@path\");created=1700000000;alg=\"ecdsa-p256-sha256\"",
        RequestSignature = "naqil=:MEUCIQDx0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghij==:",
        Received = time,
        Completed = time,
    };
}

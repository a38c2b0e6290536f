using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Naqil.MessageLog;
using Naqil.Trust;

namespace Naqil.Cli.Tests.MessageLog;

/// <summary>
/// A real log archive, written with the format's own record writers: a few entries, every leaf,
/// one tree head over all of them signed by a fresh P-256 certificate, and no timestamp tokens.
/// The key stays available so a test can sign a head the archive does not extend.
/// </summary>
internal sealed class TestArchive : IDisposable
{
    public const string Gateway = "SY/GOV/MOCT/gw1";

    private static readonly DateTimeOffset Time = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private TestArchive(string path) => Path = path;

    public string Path { get; }

    /// <summary>Writes an archive of <paramref name="size"/> entries; <paramref name="alterEntry"/> flips a byte of that entry after its leaf was taken.</summary>
    public static TestArchive Write(string path, int size, long? alterEntry = null)
    {
        var archive = new TestArchive(path);
        var entries = Enumerable.Range(0, size).Select(i => LogEntryEncoding.Encode(i, Entry(i))).ToList();
        var leaves = entries.Select(e => LogEntryEncoding.LeafHash(e)).ToList();
        var head = archive.Sign(size, MerkleTree.ComputeRoot(leaves));
        if (alterEntry is { } altered)
        {
            entries[(int)altered][^1] ^= 0x01;
        }

        using var certificate = new CertificateRequest("CN=gw1 log signing", archive._key, HashAlgorithmName.SHA256).CreateSelfSigned(Time.AddDays(-1), Time.AddYears(1));
        var thumbprint = SignedTrustConfiguration.Thumbprint(certificate);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        Write(zip, LogArchive.Manifest, stream => WriteManifest(stream, size));
        Write(zip, LogArchive.Leaves, stream => leaves.Select((leaf, i) => (leaf, i)).ToList().ForEach(l => LogArchive.WriteLeafRecord(stream, l.i, l.leaf)));
        Write(zip, LogArchive.Entries, stream => entries.Select((entry, i) => (entry, i)).ToList().ForEach(e => LogArchive.WriteEntryRecord(stream, e.i, e.entry)));
        Write(zip, LogArchive.TreeHeads, stream => LogArchive.WriteTreeHeadRecord(stream, head, thumbprint));
        Write(zip, LogArchive.CertificatePath(thumbprint), stream => stream.Write(System.Text.Encoding.ASCII.GetBytes(certificate.ExportCertificatePem() + "\n")));
        return archive;
    }

    /// <summary>A head of <paramref name="size"/> over <paramref name="root"/>, signed with the archive's key.</summary>
    public SignedTreeHead Sign(long size, byte[] root)
    {
        var head = new TreeHead(size, root, Time);
        return new SignedTreeHead(head, head.Sign(_key));
    }

    public void Dispose() => _key.Dispose();

    private static LogEntry Entry(int i) => new()
    {
        Side = "consumer",
        NaqilId = $"0000000{i}-test",
        Client = "SY/GOV/MOCT/portal",
        Service = "SY/GOV/CIVREG/registry/persons",
        Method = "GET",
        Path = $"/persons/{i}",
        Status = 200,
        Outcome = "ok",
        Received = Time,
        Completed = Time,
    };

    private static void WriteManifest(Stream stream, int size)
    {
        using var json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        json.WriteString("format", LogArchive.Format);
        json.WriteString("gateway", Gateway);
        json.WriteNumber("firstIndex", 0);
        json.WriteNumber("endIndex", size);
        json.WriteNumber("treeSize", size);
        json.WriteStartArray("timestamps");
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Write(ZipArchive zip, string name, Action<Stream> write)
    {
        using var stream = zip.CreateEntry(name).Open();
        write(stream);
    }
}

using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Naqil.MessageLog;

/// <summary>One check that failed: which check, on what (an entry, a tree head, a token), and why.</summary>
public sealed record LogVerificationFailure(string Check, string Subject, string Detail)
{
    public override string ToString() => $"FAIL {Check}: {Subject}: {Detail}";
}

/// <summary>What <see cref="LogArchiveVerifier"/> found: every failure, and what was proven.</summary>
public sealed class LogVerificationReport
{
    public List<LogVerificationFailure> Failures { get; } = [];

    /// <summary>What holds, for the reader: ranges, heads, tokens and the certificates relied on.</summary>
    public List<string> Notes { get; } = [];

    public bool Ok => Failures.Count == 0;

    public long EntriesChecked { get; internal set; }

    public long TreeSize { get; internal set; }

    internal void Fail(string check, string subject, string detail) => Failures.Add(new LogVerificationFailure(check, subject, detail));
}

/// <summary>
/// Verifies a message log archive offline (docs/message-log.md, "Verification"): recomputes the
/// tree from every leaf, checks each exported entry hashes to its leaf at its own index, each tree
/// head's signature against the certificate in the archive and its root against the recomputed
/// tree, the consistency of successive heads, each RFC 3161 token against its TSA certificate and
/// tree head, each TSA's chain file up to a self-signed root, and any tree heads published earlier
/// that the caller holds. Trust in the
/// certificates themselves is the caller's: the report names their thumbprints to compare with
/// the trust configuration.
/// </summary>
public static class LogArchiveVerifier
{
    private static readonly TimeSpan TimestampSkew = TimeSpan.FromMinutes(5);

    public static LogVerificationReport Verify(string archivePath, IReadOnlyList<SignedTreeHead>? publishedHeads = null)
    {
        using var stream = File.OpenRead(archivePath);
        return Verify(stream, publishedHeads);
    }

    public static LogVerificationReport Verify(Stream archive, IReadOnlyList<SignedTreeHead>? publishedHeads = null)
    {
        var report = new LogVerificationReport();
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(archive, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            report.Fail("archive", "the archive", $"not a zip file ({e.Message})");
            return report;
        }

        using (zip)
        {
            if (!TryReadManifest(zip, report, out var manifest))
            {
                return report;
            }

            report.TreeSize = manifest.TreeSize;
            var leaves = ReadLeaves(zip, manifest.TreeSize, report);
            CheckEntries(zip, manifest, leaves, report);
            var heads = CheckTreeHeads(zip, leaves, report);
            CheckTimestamps(zip, manifest, heads, report);
            CheckPublishedHeads(publishedHeads ?? [], leaves, report);
            if (!heads.Any(h => h.Head.TreeSize >= manifest.EndIndex))
            {
                report.Fail("coverage", $"entries [{manifest.FirstIndex}, {manifest.EndIndex})", "no signed tree head in the archive covers the last exported entry");
            }
        }

        return report;
    }

    private sealed record Manifest(string Gateway, long FirstIndex, long EndIndex, long TreeSize, List<(long TreeSize, string Token, string Tsa)> Timestamps);

    private sealed record VerifiedHead(TreeHead Head, byte[] Signature, bool RootMatches);

    private static bool TryReadManifest(ZipArchive zip, LogVerificationReport report, out Manifest manifest)
    {
        manifest = null!;
        var bytes = Read(zip, LogArchive.Manifest);
        if (bytes is null)
        {
            report.Fail("manifest", LogArchive.Manifest, "missing");
            return false;
        }

        try
        {
            using var json = JsonDocument.Parse(bytes);
            var root = json.RootElement;
            if (root.GetProperty("format").GetString() != LogArchive.Format)
            {
                report.Fail("manifest", LogArchive.Manifest, $"format is not {LogArchive.Format}");
                return false;
            }

            var timestamps = new List<(long, string, string)>();
            foreach (var t in root.GetProperty("timestamps").EnumerateArray())
            {
                timestamps.Add((t.GetProperty("treeSize").GetInt64(), t.GetProperty("token").GetString()!, t.GetProperty("tsa").GetString()!));
            }

            manifest = new Manifest(root.GetProperty("gateway").GetString() ?? "", root.GetProperty("firstIndex").GetInt64(),
                root.GetProperty("endIndex").GetInt64(), root.GetProperty("treeSize").GetInt64(), timestamps);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            report.Fail("manifest", LogArchive.Manifest, $"not a valid manifest ({e.Message})");
            return false;
        }

        if (manifest.FirstIndex < 0 || manifest.EndIndex < manifest.FirstIndex || manifest.TreeSize < manifest.EndIndex)
        {
            report.Fail("manifest", LogArchive.Manifest, $"the range [{manifest.FirstIndex}, {manifest.EndIndex}) does not lie within the tree of {manifest.TreeSize}");
            return false;
        }

        report.Notes.Add($"archive of gateway {manifest.Gateway}: entries [{manifest.FirstIndex}, {manifest.EndIndex}) of a tree of {manifest.TreeSize}");
        return true;
    }

    /// <summary>The leaves by index; null where the archive has none (each gap is a failure naming the entry).</summary>
    private static byte[]?[] ReadLeaves(ZipArchive zip, long treeSize, LogVerificationReport report)
    {
        var leaves = new byte[]?[treeSize];
        var bytes = Read(zip, LogArchive.Leaves) ?? [];
        if (bytes.Length % LogArchive.LeafRecordLength != 0)
        {
            report.Fail("leaves", LogArchive.Leaves, "the file is not a whole number of 40-byte records");
        }

        long expected = 0;
        for (var offset = 0; offset + LogArchive.LeafRecordLength <= bytes.Length; offset += LogArchive.LeafRecordLength)
        {
            var index = BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(offset));
            if (index < expected || index >= treeSize)
            {
                report.Fail("leaf-order", $"entry {index}", $"leaf record out of order or outside the tree of {treeSize}");
                continue;
            }

            for (; expected < index; expected++)
            {
                report.Fail("leaf-missing", $"entry {expected}", "the log has no leaf at this index: the entry was deleted");
            }

            leaves[index] = bytes.AsSpan(offset + 8, MerkleTree.HashSize).ToArray();
            expected = index + 1;
        }

        for (; expected < treeSize; expected++)
        {
            report.Fail("leaf-missing", $"entry {expected}", "the log has no leaf at this index: the entry was deleted");
        }

        return leaves;
    }

    private static void CheckEntries(ZipArchive zip, Manifest manifest, byte[]?[] leaves, LogVerificationReport report)
    {
        var bytes = Read(zip, LogArchive.Entries) ?? [];
        var seen = new HashSet<long>();
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (bytes.Length - offset < 12)
            {
                report.Fail("entries", LogArchive.Entries, "the file ends inside a record header");
                break;
            }

            var position = BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(offset));
            var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(offset + 8));
            if (length < 0 || length > bytes.Length - offset - 12)
            {
                report.Fail("entries", $"entry {position}", "the record's length runs past the end of the file");
                break;
            }

            var encoding = bytes.AsSpan(offset + 12, length);
            offset += 12 + length;
            report.EntriesChecked++;
            seen.Add(position);
            var decoded = LogEntryEncoding.TryDecode(encoding, out var index, out var entry, out var error);
            var subject = decoded ? $"entry {position} (Naqil-Id {entry!.NaqilId}, {entry.Side})" : $"entry {position}";
            if (!decoded)
            {
                report.Fail("entry-encoding", subject, $"the stored entry does not decode: {error}");
            }
            else if (index != position)
            {
                report.Fail("entry-index", subject, $"the entry stored at index {position} was written as entry {index}: entries were moved or reordered");
            }

            if (position < 0 || position >= leaves.Length || leaves[position] is not { } leaf)
            {
                report.Fail("entry-leaf", subject, "there is no leaf for this index");
            }
            else if (!CryptographicOperations.FixedTimeEquals(LogEntryEncoding.LeafHash(encoding), leaf))
            {
                report.Fail("entry-hash", subject, "the entry does not hash to its leaf: it was altered after it was logged");
            }
        }

        for (var i = manifest.FirstIndex; i < manifest.EndIndex; i++)
        {
            if (!seen.Contains(i))
            {
                report.Fail("entry-missing", $"entry {i}", "the exported range has no entry at this index: it was deleted");
            }
        }
    }

    private static List<VerifiedHead> CheckTreeHeads(ZipArchive zip, byte[]?[] leaves, LogVerificationReport report)
    {
        var bytes = Read(zip, LogArchive.TreeHeads) ?? [];
        var parsed = new List<(SignedTreeHead Head, string Signer)>();
        for (var offset = 0; offset + LogArchive.TreeHeadRecordLength <= bytes.Length; offset += LogArchive.TreeHeadRecordLength)
        {
            if (!SignedTreeHead.TryDecode(bytes.AsSpan(offset, SignedTreeHead.EncodedLength), out var head))
            {
                report.Fail("head-encoding", $"tree head record {offset / LogArchive.TreeHeadRecordLength}", "not a signed tree head");
                continue;
            }

            parsed.Add((head, System.Text.Encoding.ASCII.GetString(bytes, offset + SignedTreeHead.EncodedLength, 64)));
        }

        if (bytes.Length % LogArchive.TreeHeadRecordLength != 0)
        {
            report.Fail("head-encoding", LogArchive.TreeHeads, "the file is not a whole number of records");
        }

        parsed.Sort((a, b) => a.Head.Head.TreeSize.CompareTo(b.Head.Head.TreeSize));
        var roots = RootsAt(leaves, parsed.Select(p => p.Head.Head.TreeSize));
        var keys = new Dictionary<string, ECDsa?>(StringComparer.Ordinal);
        var verified = new List<VerifiedHead>();
        foreach (var (signed, signer) in parsed)
        {
            var head = signed.Head;
            var subject = $"tree head {head.TreeSize} ({head.Timestamp:yyyy-MM-ddTHH:mm:ss.fffZ})";
            if (!keys.TryGetValue(signer, out var key))
            {
                key = LoadCertificate(zip, signer)?.GetECDsaPublicKey();
                keys[signer] = key;
                report.Notes.Add(key is null ? $"signing certificate {signer} is not in the archive" : $"tree heads signed by the certificate with SHA-256 thumbprint {signer}: compare it with the trust configuration");
            }

            if (!head.VerifySignature(signed.Signature, key))
            {
                report.Fail("head-signature", subject, key is null ? $"the signing certificate {signer} is missing" : "the signature does not verify with the gateway's signing certificate");
            }

            var rootMatches = roots.TryGetValue(head.TreeSize, out var root) && root is not null && CryptographicOperations.FixedTimeEquals(root, head.RootHash);
            if (!rootMatches)
            {
                report.Fail("head-root", subject, root is null
                    ? "the tree cannot be recomputed to this size: leaves are missing"
                    : "the root recomputed from the log's leaves differs: an entry below this size was altered, deleted or reordered");
            }

            verified.Add(new VerifiedHead(head, signed.Signature, rootMatches));
        }

        foreach (var key in keys.Values)
        {
            key?.Dispose();
        }

        for (var i = 1; i < verified.Count; i++)
        {
            var (older, newer) = (verified[i - 1], verified[i]);
            if (newer.Head.Timestamp < older.Head.Timestamp)
            {
                report.Fail("head-order", $"tree head {newer.Head.TreeSize}", $"it is dated before the smaller tree head {older.Head.TreeSize}");
            }

            if (older.RootMatches && newer.RootMatches)
            {
                continue;
            }

            // One of the two does not match the leaves: say whether they are even consistent with each other.
            if (older.Head.TreeSize >= 1 && !LeavesComplete(leaves, newer.Head.TreeSize))
            {
                continue;
            }

            var proof = MerkleProofs.CreateConsistencyProof(leaves!, older.Head.TreeSize, newer.Head.TreeSize);
            if (!MerkleProofs.VerifyConsistency(older.Head.TreeSize, newer.Head.TreeSize, older.Head.RootHash, newer.Head.RootHash, proof))
            {
                report.Fail("head-consistency", $"tree heads {older.Head.TreeSize} → {newer.Head.TreeSize}", "the log as exported does not extend the earlier tree head: it was rewritten between them");
            }
        }

        if (verified.Count > 0)
        {
            report.Notes.Add($"{verified.Count} signed tree heads, sizes {verified[0].Head.TreeSize} to {verified[^1].Head.TreeSize}");
        }

        return verified;
    }

    private static void CheckTimestamps(ZipArchive zip, Manifest manifest, List<VerifiedHead> heads, LogVerificationReport report)
    {
        var bySize = heads.ToDictionary(h => h.Head.TreeSize);
        foreach (var tsa in manifest.Timestamps.Select(t => t.Tsa).Distinct(StringComparer.Ordinal))
        {
            CheckTsaChain(zip, tsa, report);
        }

        var ordinals = new Dictionary<long, int>();
        foreach (var (treeSize, tokenPath, tsa) in manifest.Timestamps)
        {
            var ordinal = ordinals.GetValueOrDefault(treeSize);
            ordinals[treeSize] = ordinal + 1;
            var subject = $"timestamp token {tokenPath} for tree head {treeSize}";
            var token = Read(zip, tokenPath);
            if (token is null)
            {
                report.Fail("timestamp-token", subject, "missing from the archive");
                continue;
            }

            if (!bySize.TryGetValue(treeSize, out var head))
            {
                report.Fail("timestamp-head", subject, "the tree head it stamps is not in the archive");
                continue;
            }

            using var certificate = LoadCertificate(zip, tsa);
            if (certificate is null)
            {
                report.Fail("timestamp-token", subject, $"the TSA certificate {tsa} is missing");
                continue;
            }

            var data = new SignedTreeHead(head.Head, head.Signature).Encode();
            if (!TimestampTokens.TryVerifyToken(token, SHA256.HashData(data), certificate, out var genTime, out var error))
            {
                report.Fail("timestamp-token", subject, error);
                continue;
            }

            if (genTime < head.Head.Timestamp - TimestampSkew)
            {
                report.Fail("timestamp-time", subject, $"the token's time {genTime:O} is before the tree head's own time {head.Head.Timestamp:O}");
                continue;
            }

            report.Notes.Add($"tree head {treeSize} existed by {genTime:yyyy-MM-ddTHH:mm:ss.fffZ} (RFC 3161 token of the TSA with SHA-256 thumbprint {tsa})");
        }
    }

    /// <summary>The TSA's chain file, as <c>openssl ts -verify -CAfile</c> uses it: the TSA certificate, then each issuer up to a self-signed root.</summary>
    private static void CheckTsaChain(ZipArchive zip, string tsa, LogVerificationReport report)
    {
        var path = LogArchive.CertificateChainPath(tsa);
        var subject = $"TSA certificate {tsa}";
        if (Read(zip, path) is not { } pem)
        {
            report.Fail("timestamp-chain", subject, $"{path} is missing: its tokens cannot be checked by openssl ts -verify");
            return;
        }

        var listed = new X509Certificate2Collection();
        try
        {
            listed.ImportFromPem(System.Text.Encoding.ASCII.GetString(pem));
            if (listed.Count == 0 || !Convert.ToHexStringLower(SHA256.HashData(listed[0].RawData)).Equals(tsa, StringComparison.OrdinalIgnoreCase))
            {
                report.Fail("timestamp-chain", subject, $"{path} does not start with the TSA's certificate");
                return;
            }

            var chain = CertificateChains.TryBuild(listed[0], listed.Skip(1));
            if (chain is null || chain.Count != listed.Count || !chain.Select((der, i) => der.AsSpan().SequenceEqual(listed[i].RawData)).All(same => same))
            {
                report.Fail("timestamp-chain", subject, $"{path} is not a chain from the TSA's certificate, each issued by the next, up to a self-signed root");
                return;
            }

            var root = Convert.ToHexStringLower(SHA256.HashData(chain[^1]));
            report.Notes.Add($"the TSA certificate {tsa} chains to the root with SHA-256 thumbprint {root}: compare it with the trust configuration");
        }
        catch (CryptographicException e)
        {
            report.Fail("timestamp-chain", subject, $"{path} does not hold PEM certificates ({e.Message})");
        }
        finally
        {
            foreach (var certificate in listed)
            {
                certificate.Dispose();
            }
        }
    }

    private static void CheckPublishedHeads(IReadOnlyList<SignedTreeHead> published, byte[]?[] leaves, LogVerificationReport report)
    {
        var roots = RootsAt(leaves, published.Select(p => p.Head.TreeSize));
        foreach (var head in published.Select(p => p.Head))
        {
            var subject = $"published tree head {head.TreeSize} ({head.Timestamp:yyyy-MM-ddTHH:mm:ss.fffZ})";
            if (head.TreeSize > leaves.Length)
            {
                report.Fail("published-consistency", subject, $"the archive's tree of {leaves.Length} is smaller than this head: entries were removed since it was published");
            }
            else if (!roots.TryGetValue(head.TreeSize, out var root) || root is null || !CryptographicOperations.FixedTimeEquals(root, head.RootHash))
            {
                report.Fail("published-consistency", subject, "the archive's log is not consistent with this head: it was rewritten after the head was published");
            }
        }
    }

    /// <summary>The root at each requested size, in one pass over the leaves; null from the first missing leaf on.</summary>
    private static Dictionary<long, byte[]?> RootsAt(byte[]?[] leaves, IEnumerable<long> sizes)
    {
        var wanted = new SortedSet<long>(sizes.Where(s => s >= 0));
        var roots = new Dictionary<long, byte[]?>();
        var builder = new MerkleTreeBuilder();
        var complete = true;
        foreach (var size in wanted)
        {
            while (complete && builder.Size < size && builder.Size < leaves.Length)
            {
                if (leaves[builder.Size] is { } leaf)
                {
                    builder.Append(leaf);
                }
                else
                {
                    complete = false;
                }
            }

            roots[size] = complete && builder.Size == size ? builder.ComputeRoot() : null;
        }

        return roots;
    }

    private static bool LeavesComplete(byte[]?[] leaves, long size)
    {
        if (size > leaves.Length)
        {
            return false;
        }

        for (long i = 0; i < size; i++)
        {
            if (leaves[i] is null)
            {
                return false;
            }
        }

        return true;
    }

    private static X509Certificate2? LoadCertificate(ZipArchive zip, string thumbprint)
    {
        var pem = Read(zip, LogArchive.CertificatePath(thumbprint));
        if (pem is null)
        {
            return null;
        }

        try
        {
            var certificate = X509Certificate2.CreateFromPem(System.Text.Encoding.ASCII.GetString(pem));
            if (!Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)).Equals(thumbprint, StringComparison.OrdinalIgnoreCase))
            {
                certificate.Dispose();
                return null;
            }

            return certificate;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static byte[]? Read(ZipArchive zip, string name)
    {
        if (zip.GetEntry(name) is not { } entry)
        {
            return null;
        }

        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}

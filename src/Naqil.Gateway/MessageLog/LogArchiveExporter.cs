using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Naqil.MessageLog;
using Naqil.Trust;

namespace Naqil.Gateway.MessageLog;

/// <summary>
/// Writes a self-contained archive (docs/message-log.md, "Archive") of the entries
/// <c>[start, end)</c>: those entries, every leaf below the covering tree head so the tree can be
/// recomputed, the signed tree heads from the range's start up to the covering head, their
/// timestamp tokens, and the certificates that verify them, each TSA's with its chain up to a root. The covering head is the smallest
/// time-stamped head that includes the last entry, else the smallest signed one; entries no head
/// covers yet are left out (the summary says so). The store is read as it is, damage included.
/// </summary>
internal sealed class LogArchiveExporter(IMessageLogStore store)
{
    private const int Chunk = 65_536;

    public async Task<ExportSummary> ExportAsync(Stream output, string gateway, long start, long end, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        var plan = await PlanAsync(start, end, cancellationToken);
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        await WriteLeavesAsync(zip, plan.TreeSize, cancellationToken);
        await WriteEntriesAsync(zip, plan.Start, plan.End, cancellationToken);
        await WriteAsync(zip, LogArchive.TreeHeads, stream =>
        {
            foreach (var head in plan.Heads)
            {
                LogArchive.WriteTreeHeadRecord(stream, head.SignedHead, head.SignerThumbprint);
            }

            return Task.CompletedTask;
        });
        var stamps = await WriteTimestampsAsync(zip, plan, cancellationToken);
        await WriteCertificatesAsync(zip, plan, cancellationToken);
        var unchained = await WriteTsaChainsAsync(zip, plan, cancellationToken);
        if (unchained.Count > 0)
        {
            var missing = $"no chain to a self-signed root is kept for the TSA certificate {string.Join(", ", unchained)}: openssl ts -verify cannot check its tokens";
            plan = plan with { Warning = plan.Warning is null ? missing : plan.Warning + "; " + missing };
        }

        await WriteAsync(zip, LogArchive.Manifest, stream =>
        {
            WriteManifest(stream, gateway, now, plan, stamps);
            return Task.CompletedTask;
        });

        return new ExportSummary(plan.Start, plan.End, plan.TreeSize, plan.Heads.Count, plan.Timestamps.Count, plan.Warning);
    }

    /// <summary>What goes in: the entries <c>[Start, End)</c>, the covering tree size, the heads and tokens from the start up to it.</summary>
    private sealed record ExportPlan(long Start, long End, long TreeSize, IReadOnlyList<StoredTreeHead> Heads, IReadOnlyList<StoredTimestamp> Timestamps, string? Warning);

    /// <summary>A token as the manifest lists it: the head it stamps, where the token and its data are, the TSA and its time.</summary>
    private sealed record ManifestStamp(long TreeSize, string Token, string Data, string Tsa, DateTimeOffset GenTime);

    private async Task<ExportPlan> PlanAsync(long start, long end, CancellationToken cancellationToken)
    {
        var latest = await store.LatestTreeHeadAsync(cancellationToken)
            ?? throw new InvalidOperationException("the log has no signed tree head yet; export after the gateway has signed one (every Gateway:MessageLog:TreeHeadInterval)");
        string? warning = null;
        if (end > latest.TreeSize)
        {
            warning = $"entries from {latest.TreeSize} on are not covered by a signed tree head yet and were left out";
            end = latest.TreeSize;
        }

        start = Math.Min(start, end);
        var candidates = await store.TreeHeadsAsync(Math.Max(end, 1), latest.TreeSize, cancellationToken);
        var stamps = await store.TimestampsAsync(Math.Max(end, 1), latest.TreeSize, cancellationToken);
        var stampedSizes = stamps.Select(s => s.TreeSize).ToHashSet();
        var covering = candidates.FirstOrDefault(h => stampedSizes.Contains(h.TreeSize)) ?? candidates[0];
        if (!stampedSizes.Contains(covering.TreeSize))
        {
            warning = (warning is null ? "" : warning + "; ") + $"tree head {covering.TreeSize} is not time-stamped yet";
        }

        var treeSize = covering.TreeSize;
        var heads = await store.TreeHeadsAsync(Math.Max(start, 1), treeSize, cancellationToken);
        var timestamps = await store.TimestampsAsync(Math.Max(start, 1), treeSize, cancellationToken);
        return new ExportPlan(start, end, treeSize, heads, timestamps, warning);
    }

    /// <summary>Every leaf below the covering size, so the verifier can recompute the tree.</summary>
    private Task WriteLeavesAsync(ZipArchive zip, long treeSize, CancellationToken cancellationToken) =>
        WriteAsync(zip, LogArchive.Leaves, async stream =>
        {
            for (long from = 0; from < treeSize; from += Chunk)
            {
                foreach (var leaf in await store.ReadLeavesAsync(from, Math.Min(from + Chunk, treeSize), cancellationToken))
                {
                    LogArchive.WriteLeafRecord(stream, leaf.Index, leaf.LeafHash);
                }
            }
        });

    private Task WriteEntriesAsync(ZipArchive zip, long start, long end, CancellationToken cancellationToken) =>
        WriteAsync(zip, LogArchive.Entries, async stream =>
        {
            for (var from = start; from < end; from += Chunk)
            {
                foreach (var entry in await store.ReadEntriesAsync(from, Math.Min(from + Chunk, end), cancellationToken))
                {
                    LogArchive.WriteEntryRecord(stream, entry.Index, entry.Encoding);
                }
            }
        });

    /// <summary>Each token, and once per stamped head the 130 bytes it stamps (for <c>openssl ts -verify -data</c>).</summary>
    private static async Task<List<ManifestStamp>> WriteTimestampsAsync(ZipArchive zip, ExportPlan plan, CancellationToken cancellationToken)
    {
        var ordinals = new Dictionary<long, int>();
        var byHead = plan.Heads.ToDictionary(h => h.TreeSize);
        var stamps = new List<ManifestStamp>();
        foreach (var stamp in plan.Timestamps)
        {
            var ordinal = ordinals.GetValueOrDefault(stamp.TreeSize);
            ordinals[stamp.TreeSize] = ordinal + 1;
            var tokenPath = LogArchive.TokenPath(stamp.TreeSize, ordinal);
            await WriteAsync(zip, tokenPath, stream => stream.WriteAsync(stamp.Token, cancellationToken).AsTask());
            var dataPath = LogArchive.TimestampedDataPath(stamp.TreeSize);
            if (ordinal == 0 && byHead.TryGetValue(stamp.TreeSize, out var head))
            {
                await WriteAsync(zip, dataPath, stream => stream.WriteAsync(head.SignedHead.Encode(), cancellationToken).AsTask());
            }

            stamps.Add(new ManifestStamp(stamp.TreeSize, tokenPath, dataPath, stamp.TsaThumbprint, stamp.GenTime));
        }

        return stamps;
    }

    /// <summary>The certificates of the heads' signers and of the TSAs, as PEM, by thumbprint.</summary>
    private async Task WriteCertificatesAsync(ZipArchive zip, ExportPlan plan, CancellationToken cancellationToken)
    {
        foreach (var thumbprint in plan.Heads.Select(h => h.SignerThumbprint).Concat(plan.Timestamps.Select(t => t.TsaThumbprint)).Distinct(StringComparer.Ordinal))
        {
            if (await store.GetCertificateAsync(thumbprint, cancellationToken) is { } der)
            {
                using var certificate = X509CertificateLoader.LoadCertificate(der);
                var pem = certificate.ExportCertificatePem() + "\n";
                await WriteAsync(zip, LogArchive.CertificatePath(thumbprint), stream => stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(pem), cancellationToken).AsTask());
            }
        }
    }

    /// <summary>
    /// Per TSA, its certificate and the CAs above it up to a self-signed root, in one PEM file for
    /// <c>openssl ts -verify -CAfile</c>, built from the certificates the gateway kept when it
    /// obtained tokens. Returns the TSAs for which no such chain is kept.
    /// </summary>
    private async Task<List<string>> WriteTsaChainsAsync(ZipArchive zip, ExportPlan plan, CancellationToken cancellationToken)
    {
        var unchained = new List<string>();
        var tsas = plan.Timestamps.Select(t => t.TsaThumbprint).Distinct(StringComparer.Ordinal).ToList();
        if (tsas.Count == 0)
        {
            return unchained;
        }

        var kept = new List<X509Certificate2>();
        try
        {
            foreach (var der in await store.CertificatesAsync(cancellationToken))
            {
                try
                {
                    kept.Add(X509CertificateLoader.LoadCertificate(der));
                }
                catch (CryptographicException)
                {
                    // Damage in the store is the verifier's to name; it cannot be part of a chain.
                }
            }

            foreach (var thumbprint in tsas)
            {
                var tsa = kept.FirstOrDefault(c => SignedTrustConfiguration.Thumbprint(c) == thumbprint);
                if (tsa is null || CertificateChains.TryBuild(tsa, kept) is not { } chain)
                {
                    unchained.Add(thumbprint);
                    continue;
                }

                var pem = new StringBuilder();
                foreach (var der in chain)
                {
                    pem.Append(PemEncoding.WriteString("CERTIFICATE", der)).Append('\n');
                }

                await WriteAsync(zip, LogArchive.CertificateChainPath(thumbprint), stream => stream.WriteAsync(Encoding.ASCII.GetBytes(pem.ToString()), cancellationToken).AsTask());
            }
        }
        finally
        {
            foreach (var certificate in kept)
            {
                certificate.Dispose();
            }
        }

        return unchained;
    }

    private static void WriteManifest(Stream stream, string gateway, DateTimeOffset now, ExportPlan plan, List<ManifestStamp> stamps)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("format", LogArchive.Format);
        json.WriteString("gateway", gateway);
        json.WriteString("created", now);
        json.WriteNumber("firstIndex", plan.Start);
        json.WriteNumber("endIndex", plan.End);
        json.WriteNumber("treeSize", plan.TreeSize);
        json.WriteStartArray("timestamps");
        foreach (var stamp in stamps)
        {
            json.WriteStartObject();
            json.WriteNumber("treeSize", stamp.TreeSize);
            json.WriteString("token", stamp.Token);
            json.WriteString("data", stamp.Data);
            json.WriteString("tsa", stamp.Tsa);
            json.WriteString("genTime", stamp.GenTime);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (plan.Warning is not null)
        {
            json.WriteString("warning", plan.Warning);
        }

        json.WriteEndObject();
    }

    private static async Task WriteAsync(ZipArchive zip, string name, Func<Stream, Task> write)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
        await using var stream = entry.Open();
        await write(stream);
    }
}

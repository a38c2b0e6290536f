using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Naqil.MessageLog;

namespace Naqil.LoadHarness.Scale;

/// <summary>
/// How the message log's verification and proofs grow with its size. Verifying a log is what
/// <c>naqil log verify</c> must do: hash every entry as a leaf (RFC 9162), rebuild the tree and
/// compare the root with the signed tree head. Entries are realistic log entries (a
/// <see cref="LogEntry"/> as JSON, with both signatures, about 1 KiB) that differ in their id; to keep
/// 10^6 of them out of memory each is patched from a template into one buffer, a copy included in
/// the time. Proofs are RFC 9162 inclusion (leaf n/2) and consistency (n/2 → n) proofs.
/// </summary>
internal static class LogScale
{
    public static IReadOnlyList<LogScaleRow> Run(IReadOnlyList<int> sizes, Action<string> progress)
    {
        var template = Template();
        var idOffset = template.AsSpan().IndexOf("00000000"u8);
        var rows = new List<LogScaleRow>();
        foreach (var size in sizes)
        {
            progress($"message log of {size:N0} entries");
            // The first pass at each size is what a fresh `naqil log verify` process pays (JIT and a
            // heap grown for the leaves included); the budget is the steady rate, so the time that
            // counts is the median of the warm passes after it.
            var first = Verify(template, idOffset, size, out var leaves, out var root);
            var warm = new List<double>();
            var spent = 0.0;
            while (warm.Count < MinWarmPasses || (warm.Count < MaxWarmPasses && spent < WarmBudgetSeconds))
            {
                var seconds = Verify(template, idOffset, size, out leaves, out root);
                warm.Add(seconds);
                spent += seconds;
            }

            warm.Sort();
            var verifySeconds = warm[warm.Count / 2];
            if (!root.AsSpan().SequenceEqual(MerkleTree.ComputeRoot(leaves)))
            {
                throw new HarnessException("the incremental root and the full root differ");
            }

            var leafIndex = size / 2;
            var clock = Stopwatch.StartNew();
            var inclusion = MerkleProofs.CreateInclusionProof(leaves, leafIndex, size);
            var inclusionCreateMs = clock.Elapsed.TotalMilliseconds;
            var inclusionVerifyUs = Time(() => MerkleProofs.VerifyInclusion(leaves[leafIndex], leafIndex, size, inclusion, root));

            var half = Math.Max(1, size / 2);
            var halfRoot = MerkleTree.ComputeRoot(leaves, half);
            clock.Restart();
            var consistency = MerkleProofs.CreateConsistencyProof(leaves, half, size);
            var consistencyCreateMs = clock.Elapsed.TotalMilliseconds;
            var consistencyVerifyUs = Time(() => MerkleProofs.VerifyConsistency(half, size, halfRoot, root, consistency));
            rows.Add(new LogScaleRow(size, template.Length, first * 1000, warm.Count, verifySeconds * 1000, size / verifySeconds,
                inclusion.Length, inclusion.Sum(h => h.Length), inclusionCreateMs, inclusionVerifyUs,
                consistency.Length, consistency.Sum(h => h.Length), consistencyCreateMs, consistencyVerifyUs));
        }

        return rows;
    }

    private const int MinWarmPasses = 3;
    private const int MaxWarmPasses = 9;
    private const double WarmBudgetSeconds = 1.0;

    /// <summary>One verification pass over <paramref name="size"/> entries: each patched from the template, hashed as a leaf, appended; the root computed. Returns the seconds it took.</summary>
    private static double Verify(byte[] template, int idOffset, int size, out byte[][] leaves, out byte[] root)
    {
        Span<byte> digits = stackalloc byte[8];
        var entry = (byte[])template.Clone();
        leaves = new byte[size][];
        var clock = Stopwatch.StartNew();
        var builder = new MerkleTreeBuilder();
        for (var i = 0; i < size; i++)
        {
            template.CopyTo(entry, 0);
            i.TryFormat(digits, out _, "D8", null);
            digits.CopyTo(entry.AsSpan(idOffset));
            var leaf = MerkleTree.HashLeaf(entry);
            builder.Append(leaf);
            leaves[i] = leaf;
        }

        root = builder.ComputeRoot();
        return clock.Elapsed.TotalSeconds;
    }

    private static double Time(Func<bool> verify)
    {
        const int Rounds = 2_000;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Rounds; i++)
        {
            if (!verify())
            {
                throw new HarnessException("a proof the harness made does not verify");
            }
        }

        return clock.Elapsed.TotalMicroseconds / Rounds;
    }

    private static byte[] Template()
    {
        var signature = Convert.ToBase64String(new byte[64]);
        var entry = new LogEntry
        {
            Side = "consumer",
            NaqilId = "6f1f2b7e-3c1d-4c55-9d0e-500000000000",
            Client = "SY/GOV/MOCT/portal",
            Service = "SY/GOV/CIVREG/registry/persons",
            User = "SY-NID:01234567890",
            Purpose = "application-processing",
            Subject = "SY-NID:01010000001",
            Method = "GET",
            Path = "/persons/01010000001",
            Status = 200,
            Outcome = "ok",
            Peer = "SY/GOV/CIVREG/gw1",
            RequestDigest = "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:",
            RequestSignatureInput = "naqil=(\"@method\" \"@path\" \"@query\" \"content-digest\" \"naqil-id\" \"naqil-client\" \"naqil-service\" \"naqil-user\" \"naqil-purpose\" \"naqil-subject\");created=1767225600;keyid=\"Yp0TgRn0a8ysQ6jbw3hsHK9oG0sBXo4Gf8zZ8hrF0vQ\";alg=\"ecdsa-p256-sha256\";tag=\"naqil-request\"",
            RequestSignature = $"naqil=:{signature}:",
            ResponseDigest = "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:",
            ResponseSignatureInput = "naqil=(\"@status\" \"content-digest\" \"naqil-id\" \"signature\";req);created=1767225600;keyid=\"aXkD0p2G3Y1k7x5Vd6PjQw8mJ2nR4tL9sF1cB0eH7uE\";alg=\"ecdsa-p256-sha256\";tag=\"naqil-response\"",
            ResponseSignature = $"naqil=:{signature}:",
            Received = DateTimeOffset.UnixEpoch.AddSeconds(1767225600),
            Completed = DateTimeOffset.UnixEpoch.AddSeconds(1767225600.004),
        };
        return Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry));
    }
}

internal sealed record LogScaleRow(int Entries, int EntryBytes, double FirstMs, int WarmPasses, double VerifyMs, double EntriesPerSecond,
    int InclusionHashes, int InclusionBytes, double InclusionCreateMs, double InclusionVerifyUs,
    int ConsistencyHashes, int ConsistencyBytes, double ConsistencyCreateMs, double ConsistencyVerifyUs);

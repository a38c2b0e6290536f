using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Naqil.Gateway.MessageLog;
using Naqil.Gateway.Problems;
using Naqil.MessageLog;

namespace Naqil.Gateway.Apis;

/// <summary>
/// The message log over the admin API (consumer face, bearer token): signed tree heads,
/// inclusion and consistency proofs, entries by range. Hashes and signatures are base64.
/// Entries carry personal data (user, subject): only the member's own administrators reach them.
/// </summary>
internal static class LogApi
{
    private const int MaxEntries = 1000;

    public static RouteGroupBuilder MapLogApi(this RouteGroupBuilder admin)
    {
        var log = admin.MapGroup("/log");
        log.MapGet("/tree-heads", TreeHeadsAsync);
        log.MapGet("/inclusion", InclusionAsync);
        log.MapGet("/consistency", Consistency);
        log.MapGet("/entries", EntriesAsync);
        return log;
    }

    /// <summary>The latest signed tree head, or those with sizes in [from, to].</summary>
    private static async Task<Results<Ok<object>, ProblemResult>> TreeHeadsAsync(long? from, long? to, MerkleMessageLog log, CancellationToken ct)
    {
        IReadOnlyList<StoredTreeHead> heads = from is null && to is null
            ? (await log.Store.LatestTreeHeadAsync(ct) is { } latest ? [latest] : [])
            : await log.Store.TreeHeadsAsync(from ?? 0, to ?? long.MaxValue, ct);
        var stamps = heads.Count == 0 ? [] : await log.Store.TimestampsAsync(heads[0].TreeSize, heads[^1].TreeSize, ct);
        return TypedResults.Ok<object>(new
        {
            treeHeads = heads.Take(MaxEntries).Select(h => new
            {
                treeSize = h.TreeSize,
                rootHash = Convert.ToBase64String(h.SignedHead.Head.RootHash),
                timestamp = h.SignedHead.Head.Timestamp,
                signature = Convert.ToBase64String(h.SignedHead.Signature),
                signer = h.SignerThumbprint,
                encoded = Convert.ToBase64String(h.SignedHead.Encode()),
                timestampTokens = stamps.Where(s => s.TreeSize == h.TreeSize).Select(s => new { tsa = s.TsaThumbprint, genTime = s.GenTime, token = Convert.ToBase64String(s.Token) }),
            }),
        });
    }

    /// <summary>Inclusion proof of an entry (by <c>index</c>, or by <c>naqilId</c> and optional <c>side</c>) in the tree of <c>treeSize</c> (default: the latest signed head).</summary>
    private static async Task<Results<Ok<object>, ProblemResult>> InclusionAsync(long? index, string? naqilId, string? side, long? treeSize, MerkleMessageLog log, CancellationToken ct)
    {
        if (index is null && naqilId is null)
        {
            return Problem(GatewayError.BadRequest, "name the entry: ?index=42 or ?naqilId=<uuid>[&side=consumer|provider]");
        }

        var size = treeSize ?? (await log.Store.LatestTreeHeadAsync(ct))?.TreeSize ?? 0;
        if (size < 1 || size > (log.Committed?.Size ?? 0))
        {
            return Problem(GatewayError.NotFound, $"there is no tree of size {size} yet; ask for a signed tree head's size");
        }

        StoredEntry? found = null;
        foreach (var candidate in index is { } i ? [i] : await log.Store.FindAsync(naqilId!, ct))
        {
            var stored = await log.Store.ReadEntriesAsync(candidate, candidate + 1, ct);
            if (stored.Count == 1 && (side is null || (LogEntryEncoding.TryDecode(stored[0].Encoding, out _, out var e, out _) && e.Side == side)))
            {
                found = stored[0];
                break;
            }
        }

        if (found is null || found.Index >= size)
        {
            return Problem(GatewayError.NotFound, $"no such entry in the tree of size {size}");
        }

        var proof = MerkleProofs.CreateInclusionProof(new StoreLeafHashSource(log.Store, size), found.Index, size);
        return TypedResults.Ok<object>(new
        {
            index = found.Index,
            treeSize = size,
            leafHash = Convert.ToBase64String(found.LeafHash),
            entry = Convert.ToBase64String(found.Encoding),
            proof = proof.Select(Convert.ToBase64String),
        });
    }

    private static Results<Ok<object>, ProblemResult> Consistency(long first, long second, MerkleMessageLog log)
    {
        if (first < 1 || first > second || second > (log.Committed?.Size ?? 0))
        {
            return Problem(GatewayError.BadRequest, "ask for ?first=M&second=N with 1 ≤ M ≤ N ≤ the log's size, e.g. two signed tree heads' sizes");
        }

        var proof = MerkleProofs.CreateConsistencyProof(new StoreLeafHashSource(log.Store, second), first, second);
        return TypedResults.Ok<object>(new { first, second, proof = proof.Select(Convert.ToBase64String) });
    }

    /// <summary>Entries [start, start + count) with their leaf hashes and decoded fields.</summary>
    private static async Task<Results<Ok<object>, ProblemResult>> EntriesAsync(long start, int? count, MerkleMessageLog log, CancellationToken ct)
    {
        var take = Math.Clamp(count ?? 100, 1, MaxEntries);
        if (start < 0)
        {
            return Problem(GatewayError.BadRequest, "start must be 0 or more");
        }

        var entries = await log.Store.ReadEntriesAsync(start, start + take, ct);
        return TypedResults.Ok<object>(new
        {
            entries = entries.Select(e => new
            {
                index = e.Index,
                leafHash = Convert.ToBase64String(e.LeafHash),
                encoded = Convert.ToBase64String(e.Encoding),
                entry = LogEntryEncoding.TryDecode(e.Encoding, out _, out var decoded, out _) ? decoded : null,
            }),
        });
    }

    private static ProblemResult Problem(GatewayError error, string detail) => new(new GatewayProblem(error, detail));
}

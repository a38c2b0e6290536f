using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.MessageLog;
using Naqil.MessageLog;
using Naqil.Signatures;

namespace Naqil.Gateway.ProviderFace;

/// <summary>
/// Refills the replay cache at start from the message log, before the faces open: every request
/// the provider face accepted (logged past its replay check) whose signature is still fresh is
/// remembered again, so a request captured before a crash or restart cannot be served twice.
/// The log is the record of what was accepted, and an exchange is acknowledged only once its
/// entry is durable; nothing else needs to be written per exchange.
/// </summary>
internal sealed class ReplayWindowLoader(MerkleMessageLog log, ReplayCache replay, IOptions<GatewayOptions> options, TimeProvider time, ILogger<ReplayWindowLoader> logger)
    : IHostedService
{
    private const int Page = 1000;

    /// <summary>Outcomes of requests that passed the replay check (the steps after it refused them, or they were carried).</summary>
    private static readonly HashSet<string> PastReplayCheck = new(StringComparer.Ordinal) { "ok", "backend-unreachable", "backend-timeout", "response-too-large" };

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var skew = options.Value.MaxClockSkew;

        // A request completed by 'now - 2 × skew' was created before 'now - skew' at the latest:
        // its signature is stale already. Entries are found by completion time, which is later.
        var store = log.Store;
        var from = await store.FirstIndexAtOrAfterAsync(now - skew - skew, cancellationToken);
        var size = (await store.LoadStateAsync(cancellationToken)).Size;
        var restored = 0;
        for (var start = from; start < size; start += Page)
        {
            foreach (var stored in await store.ReadEntriesAsync(start, Math.Min(size, start + Page), cancellationToken))
            {
                restored += Restore(stored, now, skew) ? 1 : 0;
            }
        }

        Log.ReplayWindowRestored(logger, restored, size - from);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private bool Restore(StoredEntry stored, DateTimeOffset now, TimeSpan skew)
    {
        if (!LogEntryEncoding.TryDecode(stored.Encoding, out _, out var entry, out _)
            || entry.Side != "provider" || !PastReplayCheck.Contains(entry.Outcome)
            || !HttpMessageSignatures.TryParse(entry.RequestSignatureInput, entry.RequestSignature, NaqilHeaders.Label, out var signature, out _, out _)
            || signature.Parameters is not { KeyId: { } keyId, Created: { } created }
            || !Guid.TryParseExact(entry.NaqilId, "D", out _))
        {
            return false;
        }

        var rememberUntil = DateTimeOffset.FromUnixTimeSeconds(created) + skew;
        return rememberUntil > now && replay.TryRegister(keyId, entry.NaqilId, rememberUntil, now) == ReplayCheck.Fresh;
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;

namespace Naqil.Gateway.ProviderFace;

internal enum ReplayCheck
{
    Fresh,
    Replayed,
    Full,
}

/// <summary>
/// Remembers which signed exchanges were already received, per signing key, for as long as their
/// signature could still pass the freshness check. Bounded: when full of entries that are all
/// still within their window it refuses new ones rather than forget, so replay never reopens.
/// </summary>
internal sealed class ReplayCache(IOptions<GatewayOptions> options)
{
    private readonly ConcurrentDictionary<(string KeyId, Guid Id), long> _seen = new();
    private readonly ConcurrentQueue<((string KeyId, Guid Id) Key, long ExpiresAt)> _order = new();
    private readonly Lock _sweepGate = new();
    private readonly int _capacity = options.Value.ReplayCacheCapacity;

    /// <param name="keyId">The signer's key id, so one signer's ids cannot block another's.</param>
    /// <param name="naqilId">The exchange id.</param>
    /// <param name="rememberUntil">When the signature stops being fresh; afterwards the entry may go.</param>
    /// <param name="now">The gateway's current time.</param>
    public ReplayCheck TryRegister(string keyId, string naqilId, DateTimeOffset rememberUntil, DateTimeOffset now)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        Sweep(nowMs);
        if (_seen.Count >= _capacity)
        {
            return ReplayCheck.Full;
        }

        // The key id string is the peer's own (shared) instance, so the key allocates nothing.
        var key = (keyId, Guid.ParseExact(naqilId, "D"));
        var until = rememberUntil.ToUnixTimeMilliseconds();
        if (!_seen.TryAdd(key, until))
        {
            return ReplayCheck.Replayed;
        }

        _order.Enqueue((key, until));
        return ReplayCheck.Fresh;
    }

    private void Sweep(long nowMs)
    {
        // One sweeper at a time: peek-then-dequeue must take the entry it looked at.
        if (!_sweepGate.TryEnter())
        {
            return;
        }

        try
        {
            while (_order.TryPeek(out var head) && head.ExpiresAt < nowMs)
            {
                _order.TryDequeue(out _);
                _seen.TryRemove(head.Key, out _);
            }
        }
        finally
        {
            _sweepGate.Exit();
        }
    }
}

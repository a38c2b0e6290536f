using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;

namespace Naqil.Gateway.ProviderFace;

internal enum ReplayCheck
{
    Fresh,
    Replayed,
    Full,

    /// <summary>This signer holds its whole share; others may still register.</summary>
    PeerFull,
}

/// <summary>
/// Remembers which signed exchanges were already received, per signing key, for as long as their
/// signature could still pass the freshness check. Bounded: when full of entries that are all
/// still within their window it refuses new ones rather than forget, so replay never reopens.
/// Each signer may hold at most a quarter of the capacity (<see cref="ReplayCheck.PeerFull"/>), so one peer
/// sending as fast as it can fills its own share and locks no other peer out.
/// The count is kept beside the dictionary: <see cref="ConcurrentDictionary{TKey, TValue}.Count"/>
/// takes every one of its locks (up to 1,024 once it has grown), which at 120,000 entries cost
/// 25 µs per exchange (<c>ReplayCacheBenchmarks</c>).
/// </summary>
internal sealed class ReplayCache(IOptions<GatewayOptions> options)
{
    private readonly ConcurrentDictionary<(string KeyId, Guid Id), long> _seen = new();
    private readonly ConcurrentQueue<((string KeyId, Guid Id) Key, long ExpiresAt)> _order = new();
    private readonly Lock _sweepGate = new();
    private readonly ConcurrentDictionary<string, StrongBox<int>> _perSigner = new(StringComparer.Ordinal);
    private readonly int _capacity = options.Value.ReplayCacheCapacity;
    private readonly int _signerShare = Math.Max(1, options.Value.ReplayCacheCapacity / 4);
    private int _count;

    /// <summary>Entries held now (each reserved before it is added, released when it is swept).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <param name="keyId">The signer's key id, so one signer's ids cannot block another's.</param>
    /// <param name="naqilId">The exchange id.</param>
    /// <param name="rememberUntil">When the signature stops being fresh; afterwards the entry may go.</param>
    /// <param name="now">The gateway's current time.</param>
    public ReplayCheck TryRegister(string keyId, string naqilId, DateTimeOffset rememberUntil, DateTimeOffset now)
    {
        Sweep(now.ToUnixTimeMilliseconds());

        // The key id string is the peer's own (shared) instance, so the key allocates nothing.
        var key = (keyId, Guid.ParseExact(naqilId, "D"));

        // Reserve a place first, the signer's and the whole cache's, so concurrent registrations
        // can never hold more than either bound.
        var signer = _perSigner.GetOrAdd(keyId, static _ => new StrongBox<int>());
        if (Interlocked.Increment(ref signer.Value) > _signerShare)
        {
            Interlocked.Decrement(ref signer.Value);
            return ReplayCheck.PeerFull;
        }

        if (Interlocked.Increment(ref _count) > _capacity)
        {
            Interlocked.Decrement(ref _count);
            Interlocked.Decrement(ref signer.Value);
            return ReplayCheck.Full;
        }

        var until = rememberUntil.ToUnixTimeMilliseconds();
        if (!_seen.TryAdd(key, until))
        {
            Interlocked.Decrement(ref _count);
            Interlocked.Decrement(ref signer.Value);
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
                if (_seen.TryRemove(head.Key, out _))
                {
                    Interlocked.Decrement(ref _count);
                    if (_perSigner.TryGetValue(head.Key.KeyId, out var signer))
                    {
                        Interlocked.Decrement(ref signer.Value);
                    }
                }
            }
        }
        finally
        {
            _sweepGate.Exit();
        }
    }
}

using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.ProviderFace;

namespace Naqil.Benchmarks.Gateway;

/// <summary>
/// The provider's replay check, once per exchange, with the cache in the steady state it has under
/// load: each call registers a new id whose entry is remembered for <see cref="Held"/> calls, so the
/// cache holds about that many (at 4,000 exchanges/s and the 30 s window, 120,000). The clock moves
/// one millisecond per call and the sweep drops what has expired, as in the gateway. The baseline is
/// the same add, remember-in-order and expire on a bare <see cref="ConcurrentDictionary{TKey, TValue}"/>
/// and queue: the ratio is what the cache adds to its own data structures.
/// </summary>
[MemoryDiagnoser]
public class ReplayCacheBenchmarks
{
    private const string KeyId = "6f1c0d3e9a7b4c2d8e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f70819";
    private ReplayCache _cache = null!;
    private ConcurrentDictionary<(string KeyId, Guid Id), long> _bare = null!;
    private ConcurrentQueue<((string KeyId, Guid Id) Key, long ExpiresAt)> _bareOrder = null!;
    private string[] _ids = [];
    private long _cacheClock;
    private long _bareClock;
    private int _next;

    /// <summary>Entries the cache holds while it runs.</summary>
    [Params(1_000, 120_000)]
    public int Held { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _cache = new ReplayCache(Options.Create(new GatewayOptions()));
        _bare = new ConcurrentDictionary<(string, Guid), long>();
        _bareOrder = new ConcurrentQueue<((string, Guid), long)>();

        // Enough distinct ids that none comes round again while still held.
        _ids = [.. Enumerable.Range(0, Held * 4).Select(_ => Guid.CreateVersion7().ToString())];
        _cacheClock = _bareClock = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var i = 0; i < Held; i++)
        {
            Register();
            Bare();
        }
    }

    [Benchmark]
    public bool Register()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(++_cacheClock);
        return _cache.TryRegister(KeyId, NextId(), now.AddMilliseconds(Held), now) == ReplayCheck.Fresh;
    }

    [Benchmark(Baseline = true)]
    public bool Bare()
    {
        var now = ++_bareClock;
        while (_bareOrder.TryPeek(out var head) && head.ExpiresAt < now)
        {
            _bareOrder.TryDequeue(out _);
            _bare.TryRemove(head.Key, out _);
        }

        var key = (KeyId, Guid.ParseExact(NextId(), "D"));
        if (!_bare.TryAdd(key, now + Held))
        {
            return false;
        }

        _bareOrder.Enqueue((key, now + Held));
        return true;
    }

    private string NextId()
    {
        var id = _ids[_next];
        _next = (_next + 1) % _ids.Length;
        return id;
    }
}

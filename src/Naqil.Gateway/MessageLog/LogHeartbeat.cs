using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Signing;
using Naqil.Keys;
using Naqil.MessageLog;

namespace Naqil.Gateway.MessageLog;

/// <summary>
/// The message log's clock, ticking every <see cref="MessageLogOptions.TreeHeadInterval"/> on the
/// injected <see cref="TimeProvider"/>: probes the store (and reopens the log when it is back),
/// signs a tree head when the log has grown, has the latest signed head time-stamped once per
/// <see cref="MessageLogOptions.TimestampInterval"/>, and purges bodies past their retention.
/// </summary>
internal sealed class LogHeartbeat : BackgroundService
{
    private static readonly TimeSpan MaxTimestampRetry = TimeSpan.FromSeconds(10);

    private readonly MerkleMessageLog _log;
    private readonly GatewayKeys _keys;
    private readonly TreeHeadTimestamper _timestamper;
    private readonly MessageLogOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<LogHeartbeat> _logger;
    private readonly SemaphoreSlim _tick = new(1, 1);
    private bool _loaded;
    private StoredTreeHead? _latestHead;
    private long _lastStampedSize;
    private DateTimeOffset _nextTimestamp = DateTimeOffset.MinValue;
    private DateTimeOffset _nextPurge = DateTimeOffset.MinValue;

    public LogHeartbeat(MerkleMessageLog log, GatewayKeys keys, TreeHeadTimestamper timestamper, MessageLogOptions options, TimeProvider time, ILogger<LogHeartbeat> logger)
    {
        _log = log;
        _keys = keys;
        _timestamper = timestamper;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>One heartbeat, now. The timer calls it; tests call it after moving a fake clock.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        await _tick.WaitAsync(cancellationToken);
        try
        {
            if (!await _log.ProbeAsync(cancellationToken) || !await LoadAsync(cancellationToken))
            {
                return;
            }

            var now = _time.GetUtcNow();
            await SignTreeHeadAsync(now, cancellationToken);
            await _log.Store.MaintainAsync(cancellationToken);
            if (now >= _nextTimestamp)
            {
                await TimestampAsync(now, cancellationToken);
            }

            if (_options.BodyRetention is { } retention && now >= _nextPurge)
            {
                _nextPurge = now + _options.PurgeInterval;
                var purged = await _log.Store.PurgeBodiesAsync(now - retention, cancellationToken);
                if (purged > 0)
                {
                    Log.BodiesPurged(_logger, purged);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log.MarkFailed(e);
        }
        finally
        {
            _tick.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.TreeHeadInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await TickAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        if (_loaded)
        {
            return true;
        }

        var store = _log.Store;
        await store.PutCertificateAsync(_keys.SigningKeyId, _keys.SigningCertificate.RawData, cancellationToken);
        _latestHead = await store.LatestTreeHeadAsync(cancellationToken);
        var stamps = _latestHead is null ? [] : await store.TimestampsAsync(_latestHead.TreeSize, long.MaxValue, cancellationToken);
        _lastStampedSize = stamps.Count > 0 ? stamps[^1].TreeSize : 0;
        _loaded = true;
        return true;
    }

    private async Task SignTreeHeadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_log.Committed is not { } tree || tree.Size == 0 || tree.Size <= (_latestHead?.TreeSize ?? 0))
        {
            return;
        }

        var head = new TreeHead(tree.Size, tree.RootHash, now);
        byte[] signature;
        try
        {
            signature = head.Sign(_keys.SigningKey);
        }
        catch (SigningUnavailableException e)
        {
            // The log itself is fine: entries stay durable, and a later head covers them.
            Log.TreeHeadNotSigned(_logger, tree.Size, e.Message);
            return;
        }

        var signed = new StoredTreeHead(new SignedTreeHead(head, signature), _keys.SigningKeyId);
        await _log.Store.AddTreeHeadAsync(signed, cancellationToken);
        _latestHead = signed;
    }

    private async Task TimestampAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_latestHead is not { } head || head.TreeSize <= _lastStampedSize)
        {
            // Nothing new to stamp: the next head is stamped as soon as it is signed.
            return;
        }

        var endpoints = _timestamper.Endpoints();
        var errors = new List<string>();
        foreach (var tsa in endpoints)
        {
            var (timestamp, error) = await _timestamper.StampAsync(tsa, head.SignedHead, cancellationToken);
            if (timestamp is null)
            {
                errors.Add($"{tsa.Url}: {error}");
                continue;
            }

            await _log.Store.PutCertificateAsync(tsa.Thumbprint, tsa.Certificate.RawData, cancellationToken);
            foreach (var issuer in tsa.Issuers)
            {
                // The chain goes into every archive with the token, for openssl ts -verify -CAfile.
                await _log.Store.PutCertificateAsync(Convert.ToHexStringLower(SHA256.HashData(issuer)), issuer, cancellationToken);
            }

            await _log.Store.AddTimestampAsync(timestamp, cancellationToken);
            _lastStampedSize = head.TreeSize;
            _nextTimestamp = now + _options.TimestampInterval;
            _log.TimestampSucceeded();
            return;
        }

        var reason = endpoints.Count == 0 ? "no TSA is configured (neither Gateway:MessageLog:TsaUrl nor the trust configuration names one)" : string.Join("; ", errors);
        if (_log.TimestampFailingSince is null)
        {
            Log.TimestampFailed(_logger, head.TreeSize, reason);
        }

        _log.TimestampFailed(now);
        _nextTimestamp = now + (_options.TimestampInterval < MaxTimestampRetry ? _options.TimestampInterval : MaxTimestampRetry);
    }

    public override void Dispose()
    {
        _tick.Dispose();
        base.Dispose();
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Problems;
using Naqil.MessageLog;

namespace Naqil.Gateway.MessageLog;

/// <summary>
/// The gateway's durable Merkle message log, with group commit: an append that finds no write in
/// progress becomes the writer and commits at once on its own thread (no hand-off, so a lone
/// exchange waits for its own fsync only); appends that arrive while a write is in progress queue
/// and are committed together by the next write — all that is pending, up to
/// <see cref="MessageLogOptions.MaxBatch"/>, in ONE transaction with the new tree frontier, and
/// only then is every waiter completed: one fsync per batch, not per exchange. The writer that
/// committed its own entry hands the rest of the queue to a background drain and returns.
/// A failed write answers false to its appends and makes <see cref="CheckAvailable"/> refuse
/// exchanges until a probe (<see cref="LogHeartbeat"/>) finds the store writable again. Restart
/// restores the tree from the stored frontier.
/// </summary>
internal sealed class MerkleMessageLog : IExchangeLog, IHostedService, IDisposable
{
    private readonly IMessageLogStore _store;
    private readonly BodyVault _vault;
    private readonly MessageLogOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<MerkleMessageLog> _logger;
    private readonly Lock _gate = new();
    private List<PendingAppend> _queue = [];
    private List<PendingAppend> _spare = [];
    private bool _writing;
    private bool _closed;
    private TaskCompletionSource? _drained;

    private MerkleTreeBuilder _builder = new();
    private volatile CommittedTree? _committed;
    private volatile string? _storeFailure = "the message log has not been opened yet";
    private volatile bool _reloadBeforeWrite = true;
    private long _timestampFailingSinceTicks = long.MinValue;

    public MerkleMessageLog(IMessageLogStore store, BodyVault vault, MessageLogOptions options, TimeProvider time, ILogger<MerkleMessageLog> logger)
    {
        _store = store;
        _vault = vault;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public IMessageLogStore Store => _store;

    public BodyVault Vault => _vault;

    /// <summary>The tree as last committed (size and root), or null before the log is open.</summary>
    public CommittedTree? Committed => _committed;

    /// <summary>Null while the store can be written, else why it cannot.</summary>
    public string? StoreFailure => _storeFailure;

    /// <summary>Since when timestamping has been failing; null while it works (or has nothing to do).</summary>
    public DateTimeOffset? TimestampFailingSince
    {
        get
        {
            var ticks = Interlocked.Read(ref _timestampFailingSinceTicks);
            return ticks == long.MinValue ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    public GatewayProblem? CheckAvailable()
    {
        if (_storeFailure is not null)
        {
            return new GatewayProblem(GatewayError.LogUnavailable, "the message log's database cannot be written now, so no exchange can be evidenced; exchanges resume by themselves when it can");
        }

        if (TimestampFailingSince is { } since && _time.GetUtcNow() - since > _options.TimestampGracePeriod)
        {
            return new GatewayProblem(GatewayError.TimestampUnavailable,
                $"the message log has had no trusted timestamp since {since:yyyy-MM-ddTHH:mm:ssZ} (grace period {_options.TimestampGracePeriod}): the time-stamping authority cannot be reached or refuses; exchanges resume by themselves when it answers");
        }

        return null;
    }

    public async Task<bool> AppendAsync(LogEntry entry, ReadOnlyMemory<byte> requestBody, ReadOnlyMemory<byte> responseBody, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var policy = _vault.PolicyFor(entry);
        var pending = new PendingAppend(entry, policy, policy == BodyPolicy.None ? default : requestBody, policy == BodyPolicy.None ? default : responseBody);
        bool lead;
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            _queue.Add(pending);
            lead = !_writing;
            _writing = true;
        }

        if (lead)
        {
            // Nobody is writing: commit now on this thread. The batch holds this entry and
            // whatever queued meanwhile; what queues during the write is drained in the background.
            await WriteQueuedAsync();
            if (ReleaseOrContinue())
            {
                _ = Task.Run(DrainAsync, CancellationToken.None);
            }

            return await pending.Completion.Task;
        }

        try
        {
            return await pending.Completion.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The caller went away; the entry may still be written, but nobody is told it was.
            return false;
        }
    }

    /// <summary>Writes what is queued (up to MaxBatch) as one batch and completes its appends.</summary>
    private async Task WriteQueuedAsync()
    {
        List<PendingAppend> batch;
        lock (_gate)
        {
            if (_queue.Count <= _options.MaxBatch)
            {
                batch = _queue;
                _queue = _spare;
                _spare = batch;
            }
            else
            {
                batch = _queue.GetRange(0, _options.MaxBatch);
                _queue.RemoveRange(0, _options.MaxBatch);
            }
        }

        var durable = await WriteBatchAsync(batch);
        foreach (var pending in batch)
        {
            pending.Completion.TrySetResult(durable);
        }

        batch.Clear();
    }

    /// <summary>After a write: true when more is queued and the caller must keep writing, else releases the writer role.</summary>
    private bool ReleaseOrContinue()
    {
        lock (_gate)
        {
            if (_queue.Count > 0)
            {
                return true;
            }

            _writing = false;
            _drained?.TrySetResult();
            return false;
        }
    }

    private async Task DrainAsync()
    {
        do
        {
            await WriteQueuedAsync();
        }
        while (ReleaseOrContinue());
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _store.InitializeAsync(cancellationToken);
            await ReloadAsync(cancellationToken);
            _storeFailure = null;
            Log.MessageLogOpened(_logger, _store.Kind, _builder.Size);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Start anyway, refusing exchanges: the heartbeat's probe opens the log when the store is back.
            _storeFailure = "the message log's database could not be opened";
            Log.MessageLogWriteFailed(_logger, e.GetType().Name, e.Message);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Drain: appends already queued are written before the host stops; later ones are refused.
        Task drained;
        lock (_gate)
        {
            _closed = true;
            if (!_writing)
            {
                return;
            }

            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            drained = _drained.Task;
        }

        await drained.WaitAsync(cancellationToken);
    }

    public void Dispose() => _store.Dispose();

    /// <summary>
    /// Called by the heartbeat while the store is failing: a durable probe write, then the tree is
    /// reloaded before the next batch (a write reported as failed may have committed after all).
    /// </summary>
    public async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_storeFailure is not null)
            {
                await _store.InitializeAsync(cancellationToken);
            }

            await _store.ProbeAsync(_time.GetUtcNow(), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            MarkFailed(e);
            return false;
        }

        if (_storeFailure is not null)
        {
            _reloadBeforeWrite = true;
            _storeFailure = null;
            Log.MessageLogRecovered(_logger);
        }

        return true;
    }

    /// <summary>Reports that a store write outside the writer (a tree head, a token) failed.</summary>
    public void MarkFailed(Exception e)
    {
        if (_storeFailure is null)
        {
            Log.MessageLogWriteFailed(_logger, e.GetType().Name, e.Message);
        }

        _storeFailure = "the message log's database cannot be written";
    }

    public void TimestampSucceeded()
    {
        if (Interlocked.Exchange(ref _timestampFailingSinceTicks, long.MinValue) != long.MinValue)
        {
            Log.TimestampRecovered(_logger);
        }
    }

    public void TimestampFailed(DateTimeOffset now) =>
        Interlocked.CompareExchange(ref _timestampFailingSinceTicks, now.UtcTicks, long.MinValue);

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var state = await _store.LoadStateAsync(cancellationToken);
        _builder = MerkleTreeBuilder.FromFrontier(state.Size, state.Frontier);
        _committed = new CommittedTree(_builder.Size, _builder.ComputeRoot());
        _reloadBeforeWrite = false;
    }

    private async Task<bool> WriteBatchAsync(List<PendingAppend> batch)
    {
        try
        {
            if (_reloadBeforeWrite)
            {
                await ReloadAsync(CancellationToken.None);
            }

            // Advance a copy: the real builder moves only once the batch is committed.
            var next = MerkleTreeBuilder.FromFrontier(_builder.Size, _builder.Frontier);
            var entries = new List<StoredEntry>(batch.Count);
            foreach (var pending in batch)
            {
                var index = next.Size;
                var encoding = LogEntryEncoding.Encode(index, pending.Entry);
                var leaf = LogEntryEncoding.LeafHash(encoding);
                next.Append(leaf);
                entries.Add(new StoredEntry(index, leaf, encoding, pending.Entry.Completed, pending.Entry.NaqilId)
                {
                    Bodies = _vault.Seal(pending.Policy, index, pending.RequestBody.Span, pending.ResponseBody.Span),
                });
            }

            await _store.AppendAsync(entries, new TreeState(next.Size, next.Frontier), CancellationToken.None);
            _builder = next;
            _committed = new CommittedTree(next.Size, next.ComputeRoot());
            return true;
        }
        catch (Exception e)
        {
            _reloadBeforeWrite = true;
            MarkFailed(e);
            return false;
        }
    }

    private sealed class PendingAppend(LogEntry entry, BodyPolicy policy, ReadOnlyMemory<byte> requestBody, ReadOnlyMemory<byte> responseBody)
    {
        public LogEntry Entry { get; } = entry;

        public BodyPolicy Policy { get; } = policy;

        public ReadOnlyMemory<byte> RequestBody { get; } = requestBody;

        public ReadOnlyMemory<byte> ResponseBody { get; } = responseBody;

        public TaskCompletionSource<bool> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>The committed tree: its size and root hash.</summary>
internal sealed record CommittedTree(long Size, byte[] RootHash);

using Microsoft.Extensions.Logging;

namespace Naqil.Gateway.AccessControl;

/// <summary>
/// The provider side's access rules, held in memory as an immutable index and replaced whole on
/// every change, so the check on the hot path takes no lock. The store is the source of truth.
/// </summary>
internal sealed class AccessControlList
{
    private readonly IAclStore _store;
    private readonly ILogger<AccessControlList> _logger;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private volatile Dictionary<(string Service, string Client), AclRule[]> _index = [];
    private long _version = -1;

    public AccessControlList(IAclStore store, ILogger<AccessControlList> logger)
    {
        _store = store;
        _logger = logger;
    }

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var version = await _store.VersionAsync(cancellationToken);
        _index = Index(await _store.ListAsync(cancellationToken));
        Volatile.Write(ref _version, version);
    }

    /// <summary>Reloads the rules when another gateway sharing the store changed them; true when it did.</summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            if (await _store.VersionAsync(cancellationToken) == Volatile.Read(ref _version))
            {
                return false;
            }

            await LoadAsync(cancellationToken);
            Log.AclReloaded(_logger);
            return true;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public bool IsAllowed(string service, string client, string method, string path)
    {
        if (!_index.TryGetValue((service, client), out var rules))
        {
            return false;
        }

        foreach (var rule in rules)
        {
            if (rule.Permits(method, path))
            {
                return true;
            }
        }

        return false;
    }

    public async Task<IReadOnlyList<AclRule>> ListAsync(CancellationToken cancellationToken) => await _store.ListAsync(cancellationToken);

    /// <summary>Adds the rule, or replaces the rule with the same service, client, methods and prefix.</summary>
    public async Task AddAsync(AclRule rule, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            await _store.UpsertAsync(rule, cancellationToken);
            await LoadAsync(cancellationToken);
            Log.AclChanged(_logger, "added", rule.Client, rule.Service);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Removes every rule for that service and client; returns how many.</summary>
    public async Task<int> RemoveAsync(string service, string client, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            var removed = await _store.DeleteAsync(service, client, cancellationToken);
            await LoadAsync(cancellationToken);
            Log.AclChanged(_logger, "removed", client, service);
            return removed;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private static Dictionary<(string Service, string Client), AclRule[]> Index(IReadOnlyList<AclRule> rules) =>
        rules.GroupBy(r => (r.Service, r.Client)).ToDictionary(g => g.Key, g => g.ToArray());
}

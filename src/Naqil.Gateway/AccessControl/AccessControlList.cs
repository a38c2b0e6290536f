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

    public AccessControlList(IAclStore store, ILogger<AccessControlList> logger)
    {
        _store = store;
        _logger = logger;
    }

    public async Task LoadAsync(CancellationToken cancellationToken) => _index = Index(await _store.ListAsync(cancellationToken));

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
            _index = Index(await _store.ListAsync(cancellationToken));
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
            _index = Index(await _store.ListAsync(cancellationToken));
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

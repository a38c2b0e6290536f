using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Identifiers;

namespace Naqil.Gateway.Trust;

/// <summary>Whether an instance may be dealt with now.</summary>
internal enum TrustCheck
{
    Fresh,
    Expired,
    NotAllowed,
}

/// <summary>
/// The trust configurations the gateway follows now: its own instance's, and one per federation
/// partner that both the registry lists and this gateway allows. Readers on the hot path take a
/// snapshot only while it is fresh: once one expires, the gateway fails closed for that instance
/// until a fresh one arrives. Every snapshot is replaced whole.
/// </summary>
internal sealed class TrustState
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly ImmutableHashSet<string> _allowedByGateway;
    private volatile TrustSnapshot? _current;
    private volatile ImmutableDictionary<string, TrustSnapshot> _partners = ImmutableDictionary<string, TrustSnapshot>.Empty;

    public TrustState(IOptions<GatewayOptions> options, TimeProvider time)
    {
        _time = time;
        OwnInstance = MemberId.Parse(options.Value.Member).Instance;
        _allowedByGateway = [.. options.Value.AllowedPartners];
    }

    public string OwnInstance { get; }

    /// <summary>The own instance's configuration, fresh or not.</summary>
    public TrustSnapshot? Current => _current;

    public IReadOnlyDictionary<string, TrustSnapshot> Partners => _partners;

    /// <summary>The own instance's configuration, if fresh.</summary>
    public bool TryGetFresh([NotNullWhen(true)] out TrustSnapshot? snapshot)
    {
        snapshot = _current;
        if (snapshot is not null && snapshot.Expires > _time.GetUtcNow())
        {
            return true;
        }

        snapshot = null;
        return false;
    }

    /// <summary>
    /// The configuration that speaks for <paramref name="instance"/>: the own one, or a partner's
    /// when the own registry lists that partner, this gateway allows it and its document is fresh.
    /// </summary>
    public TrustCheck Check(string instance, [NotNullWhen(true)] out TrustSnapshot? snapshot)
    {
        snapshot = null;
        if (!TryGetFresh(out var own))
        {
            return TrustCheck.Expired;
        }

        if (instance == OwnInstance)
        {
            snapshot = own;
            return TrustCheck.Fresh;
        }

        if (!IsAllowedPartner(own, instance))
        {
            return TrustCheck.NotAllowed;
        }

        if (!_partners.TryGetValue(instance, out var partner) || partner.Expires <= _time.GetUtcNow())
        {
            return TrustCheck.Expired;
        }

        snapshot = partner;
        return TrustCheck.Fresh;
    }

    /// <summary>Partners both the registry (in <paramref name="own"/>) and this gateway allow.</summary>
    public IEnumerable<Naqil.Trust.PartnerEntry> AllowedPartners(TrustSnapshot own) =>
        own.Configuration.Partners.Where(p => _allowedByGateway.Contains(p.Instance) && p.Instance != OwnInstance);

    public bool IsAllowedByGateway(string instance) => _allowedByGateway.Contains(instance);

    /// <summary>Finds the gateway presenting this TLS certificate on the own instance or an allowed partner, fresh or not.</summary>
    public bool TryFindGatewayByTls(string thumbprint, [NotNullWhen(true)] out TrustSnapshot? snapshot, [NotNullWhen(true)] out PeerGateway? gateway)
    {
        snapshot = _current;
        if (snapshot is not null && snapshot.TryGetGatewayByTls(thumbprint, out gateway))
        {
            return true;
        }

        foreach (var partner in _partners.Values)
        {
            if (partner.TryGetGatewayByTls(thumbprint, out gateway) && _current is { } own && IsAllowedPartner(own, partner.Configuration.Instance))
            {
                snapshot = partner;
                return true;
            }
        }

        snapshot = null;
        gateway = null;
        return false;
    }

    public IEnumerable<PeerGateway> AllGateways() =>
        (_current?.AllGateways ?? []).Concat(_partners.Values.SelectMany(p => p.AllGateways));

    /// <summary>
    /// Adopts the own instance's <paramref name="candidate"/> unless it would roll back (a lower
    /// serial, or the same serial issued no later) or has already expired; says why not.
    /// </summary>
    public bool TryAdopt(TrustSnapshot candidate, [NotNullWhen(false)] out string? reason)
    {
        lock (_gate)
        {
            if (!Acceptable(_current, candidate, out reason))
            {
                return false;
            }

            _current = candidate;
            _partners = _partners.RemoveRange(_partners.Keys.Where(k => !IsAllowedPartner(candidate, k)));
            return true;
        }
    }

    /// <summary>Adopts a partner's configuration under the same rules, per partner.</summary>
    public bool TryAdoptPartner(TrustSnapshot candidate, [NotNullWhen(false)] out string? reason)
    {
        lock (_gate)
        {
            var instance = candidate.Configuration.Instance;
            if (_current is not { } own || !IsAllowedPartner(own, instance))
            {
                reason = $"{instance} is not a federation partner allowed by both the registry and this gateway";
                return false;
            }

            if (!Acceptable(_partners.GetValueOrDefault(instance), candidate, out reason))
            {
                return false;
            }

            _partners = _partners.SetItem(instance, candidate);
            return true;
        }
    }

    private bool IsAllowedPartner(TrustSnapshot own, string instance) =>
        _allowedByGateway.Contains(instance) && own.Configuration.Partners.Any(p => p.Instance == instance);

    private bool Acceptable(TrustSnapshot? held, TrustSnapshot candidate, [NotNullWhen(false)] out string? reason)
    {
        if (held is not null && (candidate.Serial < held.Serial || (candidate.Serial == held.Serial && candidate.Issued <= held.Issued)))
        {
            reason = candidate.Serial < held.Serial
                ? $"{candidate.Configuration.Instance} serial {candidate.Serial} is lower than the serial {held.Serial} already held (rollback refused)"
                : $"{candidate.Configuration.Instance} serial {candidate.Serial} issued {candidate.Issued:O} is not newer than the one held";
            return false;
        }

        if (candidate.Expires <= _time.GetUtcNow())
        {
            reason = $"{candidate.Configuration.Instance} configuration serial {candidate.Serial} expired at {candidate.Expires:O}";
            return false;
        }

        reason = null;
        return true;
    }
}

using System.Diagnostics.CodeAnalysis;

namespace Naqil.Gateway.Trust;

/// <summary>
/// The trust configuration the gateway follows now. Readers on the hot path take the snapshot
/// only while it is fresh: once it expires the gateway fails closed until a fresh one arrives.
/// </summary>
internal sealed class TrustState(TimeProvider time)
{
    private readonly Lock _gate = new();
    private volatile TrustSnapshot? _current;

    public TrustSnapshot? Current => _current;

    public bool TryGetFresh([NotNullWhen(true)] out TrustSnapshot? snapshot)
    {
        snapshot = _current;
        if (snapshot is not null && snapshot.Expires > time.GetUtcNow())
        {
            return true;
        }

        snapshot = null;
        return false;
    }

    /// <summary>
    /// Adopts <paramref name="candidate"/> unless it would roll back: a lower serial, or the same
    /// serial issued no later than the one held. Returns whether it was adopted and why not.
    /// </summary>
    public bool TryAdopt(TrustSnapshot candidate, [NotNullWhen(false)] out string? reason)
    {
        lock (_gate)
        {
            var held = _current;
            if (held is not null && (candidate.Serial < held.Serial || (candidate.Serial == held.Serial && candidate.Issued <= held.Issued)))
            {
                reason = candidate.Serial < held.Serial
                    ? $"serial {candidate.Serial} is lower than the serial {held.Serial} already held (rollback refused)"
                    : $"serial {candidate.Serial} issued {candidate.Issued:O} is not newer than the one held";
                return false;
            }

            if (candidate.Expires <= time.GetUtcNow())
            {
                reason = $"configuration serial {candidate.Serial} expired at {candidate.Expires:O}";
                return false;
            }

            _current = candidate;
            reason = null;
            return true;
        }
    }
}

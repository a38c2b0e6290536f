using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Naqil.Registry.Storage;

namespace Naqil.Registry.Certificates.Pki;

/// <summary>A CA's signed CRL as served.</summary>
internal sealed record PublishedCrl(byte[] Der, long Number, DateTimeOffset ThisUpdate, DateTimeOffset NextUpdate, long RevokedCount);

/// <summary>
/// Each CA's CRL (RFC 5280 §5): every certificate it revoked, with the revocation time and (unless
/// unspecified) the reason, a CRL number that grows with every CRL across restarts, thisUpdate now
/// and nextUpdate a day later. A CRL is kept while it is current and re-signed when the CA's
/// revocations change (counted in the store on every request, so a revocation made by another
/// registry process on the same database shows too) or when half its lifetime has passed.
/// </summary>
internal sealed class CrlPublisher(ICertificateStore store, TimeProvider time, ILogger<CrlPublisher> logger) : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);

    private readonly ConcurrentDictionary<string, PublishedCrl> _current = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signing = new(1, 1);

    public async Task<PublishedCrl> GetCurrentAsync(RegistryCa ca, CancellationToken cancellationToken)
    {
        var count = await store.CountRevokedAsync(ca.Name, cancellationToken);
        if (_current.TryGetValue(ca.Name, out var current) && IsCurrent(current, count))
        {
            return current;
        }

        // One signer at a time; whoever waited re-checks, since the one before may have signed already.
        await _signing.WaitAsync(cancellationToken);
        try
        {
            return _current.TryGetValue(ca.Name, out current) && IsCurrent(current, count) ? current : await SignAsync(ca, cancellationToken);
        }
        finally
        {
            _signing.Release();
        }
    }

    /// <summary>Signs a new CRL now, whatever the one held; after a revocation.</summary>
    public async Task<PublishedCrl> RegenerateAsync(RegistryCa ca, CancellationToken cancellationToken)
    {
        await _signing.WaitAsync(cancellationToken);
        try
        {
            return await SignAsync(ca, cancellationToken);
        }
        finally
        {
            _signing.Release();
        }
    }

    public void Dispose() => _signing.Dispose();

    private bool IsCurrent(PublishedCrl crl, long revokedCount) =>
        crl.RevokedCount == revokedCount && time.GetUtcNow() - crl.ThisUpdate < Lifetime / 2;

    private async Task<PublishedCrl> SignAsync(RegistryCa ca, CancellationToken cancellationToken)
    {
        var revoked = await store.ListRevokedAsync(ca.Name, cancellationToken);
        var number = await store.NextCrlNumberAsync(ca.Name, cancellationToken);
        var now = time.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        var builder = new CertificateRevocationListBuilder();
        foreach (var entry in revoked)
        {
            // RFC 5280 §5.3.1: a reason of unspecified SHOULD be left out rather than written.
            var reason = entry.Revocation.Reason == X509RevocationReason.Unspecified ? (X509RevocationReason?)null : entry.Revocation.Reason;
            builder.AddEntry(Convert.FromHexString(entry.Serial), entry.Revocation.RevokedAt, reason);
        }

        var nextUpdate = now + Lifetime;
        var der = builder.Build(ca.Certificate.SubjectName, ca.Signer, number, nextUpdate, HashAlgorithmName.SHA256, ca.AuthorityKeyIdentifier, now);
        var published = new PublishedCrl(der, number, now, nextUpdate, revoked.Count);
        _current[ca.Name] = published;
        Log.CrlSigned(logger, ca.Name, number, revoked.Count, nextUpdate);
        return published;
    }
}

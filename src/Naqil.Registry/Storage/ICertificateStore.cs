namespace Naqil.Registry.Storage;

/// <summary>
/// What the registry's CAs issued and revoked, and each CA's CRL counter; kept in the registry's
/// database beside the catalogue. None of these writes moves the trust configuration's serial:
/// certificates are not part of it (a gateway is trusted by the certificates its entry pins).
/// A revocation is final: it is never changed or removed.
/// </summary>
internal interface ICertificateStore
{
    /// <summary>Records an issued certificate; false when this issuer already recorded that serial (nothing changes then).</summary>
    Task<bool> RecordIssuedAsync(IssuedCertificateRecord certificate, CancellationToken cancellationToken);

    /// <summary>The certificate <paramref name="issuer"/> issued with <paramref name="serial"/> (upper-case hex), with its revocation if any.</summary>
    Task<IssuedCertificateEntry?> FindIssuedAsync(string issuer, string serial, CancellationToken cancellationToken);

    /// <summary>Every issued certificate, by issuer and then by expiry.</summary>
    Task<IReadOnlyList<IssuedCertificateEntry>> ListIssuedAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Revokes a certificate: <see cref="StoreOutcome.Created"/> with the entry now revoked,
    /// <see cref="StoreOutcome.Unchanged"/> with the earlier revocation when it was revoked
    /// already, <see cref="StoreOutcome.NotFound"/> when the issuer never recorded that serial.
    /// </summary>
    Task<(StoreOutcome Outcome, IssuedCertificateEntry? Entry)> RevokeAsync(string issuer, string serial, RevocationRecord revocation, CancellationToken cancellationToken);

    /// <summary>The revoked certificates of <paramref name="issuer"/>, by serial.</summary>
    Task<IReadOnlyList<RevokedCertificate>> ListRevokedAsync(string issuer, CancellationToken cancellationToken);

    /// <summary>How many certificates <paramref name="issuer"/> has revoked: grows with every revocation, so a CRL built at a count is current while the count is.</summary>
    Task<long> CountRevokedAsync(string issuer, CancellationToken cancellationToken);

    /// <summary>The next CRL number of <paramref name="issuer"/>: 1 first, then one more each call, across restarts and processes.</summary>
    Task<long> NextCrlNumberAsync(string issuer, CancellationToken cancellationToken);
}

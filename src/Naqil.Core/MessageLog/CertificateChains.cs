using System.Security.Cryptography.X509Certificates;

namespace Naqil.MessageLog;

/// <summary>
/// A certificate's issuing chain, built offline from certificates at hand: the gateway finds a
/// TSA's chain among the trust configuration's CAs, the exporter among the certificates it kept,
/// the verifier among those in an archive. No download, no revocation check, no system roots:
/// only signatures, names and CA constraints, so an auditor's <c>openssl ts -verify -CAfile</c>
/// with the same certificates reaches the same root. Validity dates are not judged here (the
/// token check judges the TSA certificate at <c>genTime</c>).
/// </summary>
public static class CertificateChains
{
    /// <summary>
    /// The DER certificates from <paramref name="leaf"/> (first) up to a self-signed root (last),
    /// each issued by the next; just the leaf when it is self-signed. Null when no chain to a
    /// self-signed root can be built from <paramref name="candidates"/>.
    /// </summary>
    public static IReadOnlyList<byte[]>? TryBuild(X509Certificate2 leaf, IEnumerable<X509Certificate2> candidates)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        ArgumentNullException.ThrowIfNull(candidates);
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid | X509VerificationFlags.IgnoreCtlNotTimeValid;
        foreach (var candidate in candidates.Append(leaf))
        {
            (IsSelfSigned(candidate) ? policy.CustomTrustStore : policy.ExtraStore).Add(candidate);
        }

        var built = chain.Build(leaf);
        var elements = chain.ChainElements.Select(e => e.Certificate).ToList();
        try
        {
            if (!built || elements.Count == 0 || !IsSelfSigned(elements[^1]))
            {
                return null;
            }

            return [.. elements.Select(c => c.RawData)];
        }
        finally
        {
            foreach (var element in elements)
            {
                element.Dispose();
            }
        }
    }

    private static bool IsSelfSigned(X509Certificate2 certificate) =>
        certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Naqil.Documents.Validation;

/// <summary>
/// X.509 validation of a signer's or a TSA's certificate (EN 319 102-1 §5.2.6 with the past-signature
/// validation of §5.6.2.4 folded in): a chain to one of the given anchors built by the framework's
/// <see cref="X509Chain"/> with custom trust and no downloads, then the revocation status of every
/// certificate below the anchor from the embedded data only (the framework's revocation checking would
/// go to the network or its own cache, so it is off).
/// </summary>
internal sealed class CertificatePathValidation(
    IReadOnlyList<X509Certificate2> anchors,
    X509Certificate2Collection pool,
    RevocationPool revocation,
    DateTimeOffset now)
{
    private const string OcspNoCheckOid = "1.3.6.1.5.5.7.48.1.5";

    /// <summary>
    /// Validates <paramref name="target"/>. <paramref name="usageTime"/> is when it was used (the
    /// best-signature-time for a signer, the timestamp's time for a TSA): revocation data must be fresh
    /// for it. <paramref name="proofOfExistence"/> is the earliest time the signed object is proven to
    /// have existed, if any: it lets a certificate expired or revoked since then still pass.
    /// </summary>
    public PathResult Validate(X509Certificate2 target, DateTimeOffset usageTime, DateTimeOffset? proofOfExistence)
    {
        if (anchors.Count == 0)
        {
            return PathResult.Stop(Indication.Indeterminate, SubIndication.NoCertificateChainFound, "no trust anchor was given (--trust)");
        }

        var (chain, flags) = Build(target, now);
        string? note = null;
        if (flags.HasFlag(X509ChainStatusFlags.PartialChain) || flags.HasFlag(X509ChainStatusFlags.UntrustedRoot) || !EndsInAnchor(chain))
        {
            return PathResult.Stop(Indication.Indeterminate, SubIndication.NoCertificateChainFound,
                $"no chain from {target.Subject} to a trust anchor ({Describe(flags)})");
        }

        if ((flags & ~(X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.NotTimeNested)) != 0)
        {
            return PathResult.Stop(Indication.Indeterminate, SubIndication.CertificateChainGeneralFailure,
                $"the chain of {target.Subject} does not validate: {Describe(flags)}");
        }

        if (flags != X509ChainStatusFlags.NoError)
        {
            var outside = chain.FirstOrDefault(c => c.NotAfter.ToUniversalTime() < now.UtcDateTime || c.NotBefore.ToUniversalTime() > now.UtcDateTime) ?? target;
            if (proofOfExistence is not { } poe)
            {
                return PathResult.Stop(Indication.Indeterminate, SubIndication.OutOfBoundsNoPoe,
                    $"{outside.Subject} is valid {outside.NotBefore.ToUniversalTime():O} to {outside.NotAfter.ToUniversalTime():O}, not now, and nothing proves the signature existed within that time");
            }

            var (atPoe, flagsAtPoe) = Build(target, poe);
            if (flagsAtPoe != X509ChainStatusFlags.NoError || !EndsInAnchor(atPoe))
            {
                return poe < target.NotBefore.ToUniversalTime()
                    ? PathResult.Stop(Indication.TotalFailed, SubIndication.NotYetValid, $"the signature is proven to exist at {poe:O}, before {target.Subject} was issued")
                    : PathResult.Stop(Indication.Indeterminate, SubIndication.OutOfBoundsNoPoe,
                        $"{outside.Subject} is outside its validity now and also at the proven time {poe:O}");
            }

            chain = atPoe;
            note = $"{outside.Subject} is outside its validity now but was valid at {poe:O}, when the signature is proven to have existed";
        }

        var chainDetail = "chain: " + string.Join(" <- ", chain.Select(c => c.Subject).Reverse()) + (note is null ? string.Empty : "; " + note);
        var reports = new List<RevocationReport>();
        var allEmbedded = true;
        (Indication Indication, SubIndication Sub, string Detail)? failure = null;
        for (var i = 0; i < chain.Count - 1; i++)
        {
            var certificate = chain[i];
            if (certificate.Extensions[OcspNoCheckOid] is not null)
            {
                reports.Add(new RevocationReport(certificate.Subject, "not-checked", null, null, null, null, "id-pkix-ocsp-nocheck: no revocation checking"));
                continue;
            }

            var status = revocation.Find(certificate, chain[i + 1]);
            allEmbedded &= status.Embedded;
            var detail = status.Detail;
            switch (status.Status)
            {
                case "revoked" when status.RevocationTime is { } revokedAt && proofOfExistence is { } poe && poe < revokedAt:
                    detail += $"; the signature is proven to exist at {poe:O}, before that";
                    break;
                case "revoked" when status.RevocationTime is { } revokedAt && revokedAt > now:
                    detail += "; a revocation dated after the validation time";
                    break;
                case "revoked":
                    failure ??= (Indication.Indeterminate, i == 0 ? SubIndication.RevokedNoPoe : SubIndication.RevokedCaNoPoe,
                        $"{certificate.Subject} was revoked at {status.RevocationTime:O} and nothing proves the signature existed before (earliest proof: {(proofOfExistence is { } p ? p.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : "none")})");
                    break;
                case "good" when !status.IsFreshFor(usageTime):
                    detail += $"; issued {status.IssuedAt:O}, not fresh for its use at {usageTime:O}";
                    failure ??= (Indication.Indeterminate, SubIndication.TryLater, $"the revocation data of {certificate.Subject} is not fresh for {usageTime:O}");
                    break;
                case "good":
                    break;
                default:
                    failure ??= (Indication.Indeterminate, SubIndication.TryLater, $"no revocation data for {certificate.Subject}: {status.Detail}");
                    break;
            }

            reports.Add(new RevocationReport(certificate.Subject, status.Status, status.Source, status.IssuedAt, status.NextUpdate, status.RevocationTime, detail));
        }

        return failure is { } f
            ? new PathResult(f.Indication, f.Sub, chainDetail, f.Detail, chain, reports, allEmbedded)
            : new PathResult(Indication.TotalPassed, null, chainDetail, "every certificate below the anchor is not revoked at its use", chain, reports, allEmbedded);
    }

    private (List<X509Certificate2> Chain, X509ChainStatusFlags Flags) Build(X509Certificate2 target, DateTimeOffset time)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(anchors.ToArray());
        chain.ChainPolicy.ExtraStore.AddRange(pool);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = time.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        try
        {
            chain.Build(target);
        }
        catch (CryptographicException)
        {
            return ([], X509ChainStatusFlags.PartialChain);
        }

        var flags = X509ChainStatusFlags.NoError;
        foreach (var element in chain.ChainElements)
        {
            foreach (var status in element.ChainElementStatus)
            {
                flags |= status.Status;
            }
        }

        foreach (var status in chain.ChainStatus)
        {
            flags |= status.Status;
        }

        return ([.. chain.ChainElements.Select(e => X509CertificateLoader.LoadCertificate(e.Certificate.RawData))], flags);
    }

    private bool EndsInAnchor(List<X509Certificate2> chain) =>
        chain.Count > 0 && anchors.Any(anchor => anchor.RawData.AsSpan().SequenceEqual(chain[^1].RawData));

    private static string Describe(X509ChainStatusFlags flags) => flags.ToString();
}

/// <summary>The outcome of a certificate's validation: the verdict, the chain, and each certificate's revocation status.</summary>
internal sealed record PathResult(
    Indication Indication,
    SubIndication? SubIndication,
    string ChainDetail,
    string Detail,
    IReadOnlyList<X509Certificate2> Chain,
    IReadOnlyList<RevocationReport> Revocation,
    bool AllRevocationEmbedded)
{
    /// <summary>The chain itself failed: no revocation was looked at.</summary>
    public bool ChainFailed { get; private init; }

    public static PathResult Stop(Indication indication, SubIndication subIndication, string detail) =>
        new(indication, subIndication, detail, detail, [], [], false) { ChainFailed = true };
}

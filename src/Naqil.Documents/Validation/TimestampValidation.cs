using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;

namespace Naqil.Documents.Validation;

/// <summary>What every signature of a file is validated against.</summary>
internal sealed record ValidationContext(
    IReadOnlyList<X509Certificate2> Anchors,
    X509Certificate2Collection Pool,
    RevocationPool Revocation,
    DateTimeOffset Now)
{
    public CertificatePathValidation Paths { get; } = new(Anchors, Pool, Revocation, Now);
}

/// <summary>
/// An RFC 3161 token checked as EN 319 102-1 §5.4 does: its imprint is the hash of the data it is said
/// to stamp (a signature value, or a document timestamp's byte range); the TSA's signature over it
/// verifies (with the token's ESSCertID and the TSA's id-kp-timeStamping, which the framework checks);
/// the TSA certificate chains to an anchor and is not revoked at the token's time.
/// </summary>
internal static class TimestampValidation
{
    public static TimestampOutcome Validate(
        string kind,
        Rfc3161TimestampToken token,
        ReadOnlySpan<byte> stampedData,
        ValidationContext context,
        DateTimeOffset? proofOfExistence)
    {
        var info = token.TokenInfo;
        var time = info.Timestamp;
        if (HashName(info.HashAlgorithmId.Value) is not { } algorithm)
        {
            return TimestampOutcome.Failed(kind, time, null, SubIndication.FormatFailure, $"the token's hash algorithm {info.HashAlgorithmId.Value} is not supported");
        }

        var hash = CryptographicOperations.HashData(algorithm, stampedData);
        if (!info.GetMessageHash().Span.SequenceEqual(hash))
        {
            return TimestampOutcome.Failed(kind, time, null, SubIndication.HashFailure, "the token's imprint is not the hash of what it stamps");
        }

        if (!token.VerifySignatureForHash(hash, algorithm, out var tsaCertificate, context.Pool) || tsaCertificate is null)
        {
            return TimestampOutcome.Failed(kind, time, tsaCertificate, SubIndication.SigCryptoFailure, "the TSA's signature over the token does not verify");
        }

        var path = context.Paths.Validate(tsaCertificate, time, proofOfExistence);
        if (path.Indication != Indication.TotalPassed)
        {
            return new TimestampOutcome(
                new TimestampReport(kind, time, tsaCertificate.Subject, path.Indication, path.SubIndication, $"TSA certificate: {path.Detail}"),
                tsaCertificate, path);
        }

        return new TimestampOutcome(
            new TimestampReport(kind, time, tsaCertificate.Subject, Indication.TotalPassed, null, $"imprint and TSA signature verify; {path.ChainDetail}"),
            tsaCertificate, path);
    }

    public static HashAlgorithmName? HashName(string? oid) => oid switch
    {
        "2.16.840.1.101.3.4.2.1" => HashAlgorithmName.SHA256,
        "2.16.840.1.101.3.4.2.2" => HashAlgorithmName.SHA384,
        "2.16.840.1.101.3.4.2.3" => HashAlgorithmName.SHA512,
        _ => null,
    };
}

/// <summary>A token's verdict, its TSA certificate and the TSA's path (for the level reached).</summary>
internal sealed record TimestampOutcome(TimestampReport Report, X509Certificate2? Tsa, PathResult? Path)
{
    public bool Passed => Report.Indication == Indication.TotalPassed;

    public static TimestampOutcome Failed(string kind, DateTimeOffset? time, X509Certificate2? tsa, SubIndication subIndication, string detail) =>
        new(new TimestampReport(kind, time, tsa?.Subject, Indication.TotalFailed, subIndication, detail), tsa, null);
}

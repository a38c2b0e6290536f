using System.Text.Json.Serialization;

namespace Naqil.Documents.Validation;

/// <summary>The main status indication of a validation (ETSI EN 319 102-1 §5.1.3, Table 5).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Indication>))]
public enum Indication
{
    /// <summary>Format, cryptography and the signer's certificate all validated positively.</summary>
    [JsonStringEnumMemberName("TOTAL-PASSED")]
    TotalPassed,

    /// <summary>The format or a cryptographic check failed, or the certificate is proven invalid at signing.</summary>
    [JsonStringEnumMemberName("TOTAL-FAILED")]
    TotalFailed,

    /// <summary>What is available is not enough to say passed or failed.</summary>
    [JsonStringEnumMemberName("INDETERMINATE")]
    Indeterminate,
}

/// <summary>The sub-indications this validator gives, by the standard's names (EN 319 102-1 Table 6).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SubIndication>))]
public enum SubIndication
{
    /// <summary>TOTAL-FAILED: the signature is not the format it claims, so it cannot be processed.</summary>
    [JsonStringEnumMemberName("FORMAT_FAILURE")]
    FormatFailure,

    /// <summary>TOTAL-FAILED: the signed bytes do not hash to the signature's message-digest.</summary>
    [JsonStringEnumMemberName("HASH_FAILURE")]
    HashFailure,

    /// <summary>TOTAL-FAILED: the signature value does not verify with the signer's public key.</summary>
    [JsonStringEnumMemberName("SIG_CRYPTO_FAILURE")]
    SigCryptoFailure,

    /// <summary>TOTAL-FAILED: the certificate is revoked and it is proven the signature was made after (never given here: see docs).</summary>
    [JsonStringEnumMemberName("REVOKED")]
    Revoked,

    /// <summary>TOTAL-FAILED: it is proven the signature existed before the certificate's notBefore.</summary>
    [JsonStringEnumMemberName("NOT_YET_VALID")]
    NotYetValid,

    /// <summary>INDETERMINATE: the document was changed after signing beyond what the rules allow.</summary>
    [JsonStringEnumMemberName("SIG_CONSTRAINTS_FAILURE")]
    SigConstraintsFailure,

    /// <summary>INDETERMINATE: a chain was built but fails for another reason (signature, constraints, usage).</summary>
    [JsonStringEnumMemberName("CERTIFICATE_CHAIN_GENERAL_FAILURE")]
    CertificateChainGeneralFailure,

    /// <summary>INDETERMINATE: the signing certificate cannot be found or does not match signing-certificate-v2.</summary>
    [JsonStringEnumMemberName("NO_SIGNING_CERTIFICATE_FOUND")]
    NoSigningCertificateFound,

    /// <summary>INDETERMINATE: no chain from the signing certificate to a trust anchor.</summary>
    [JsonStringEnumMemberName("NO_CERTIFICATE_CHAIN_FOUND")]
    NoCertificateChainFound,

    /// <summary>INDETERMINATE: the signing certificate is revoked and nothing proves the signature existed before.</summary>
    [JsonStringEnumMemberName("REVOKED_NO_POE")]
    RevokedNoPoe,

    /// <summary>INDETERMINATE: a CA certificate of the chain is revoked and nothing proves the signature existed before.</summary>
    [JsonStringEnumMemberName("REVOKED_CA_NO_POE")]
    RevokedCaNoPoe,

    /// <summary>INDETERMINATE: a certificate is outside its validity now and nothing proves the signature existed within it.</summary>
    [JsonStringEnumMemberName("OUT_OF_BOUNDS_NO_POE")]
    OutOfBoundsNoPoe,

    /// <summary>INDETERMINATE: no revocation data, or none fresh enough, for a certificate of the chain.</summary>
    [JsonStringEnumMemberName("TRY_LATER")]
    TryLater,

    /// <summary>INDETERMINATE: the signed bytes cannot be obtained (e.g. the /ByteRange runs past the file's end).</summary>
    [JsonStringEnumMemberName("SIGNED_DATA_NOT_FOUND")]
    SignedDataNotFound,
}

/// <summary>What a check came to.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CheckResult>))]
public enum CheckResult
{
    [JsonStringEnumMemberName("PASSED")]
    Passed,

    [JsonStringEnumMemberName("FAILED")]
    Failed,

    [JsonStringEnumMemberName("INDETERMINATE")]
    Indeterminate,

    /// <summary>Not run, because an earlier check decided the verdict or it does not apply.</summary>
    [JsonStringEnumMemberName("SKIPPED")]
    Skipped,
}

/// <summary>
/// The report of validating one file: its signatures (a PAdES PDF's seals and document timestamps, or a
/// detached CAdES signature), or a refusal when the input could not be read as what it claims to be.
/// </summary>
public sealed record ValidationReport
{
    /// <summary>The file as named by the caller.</summary>
    public required string File { get; init; }

    /// <summary><c>PAdES</c> or <c>CAdES</c>.</summary>
    public required string Format { get; init; }

    /// <summary>The current time of the validation (EN 319 102-1's validation time).</summary>
    public required DateTimeOffset ValidationTime { get; init; }

    /// <summary>Subjects of the trust anchors given.</summary>
    public required IReadOnlyList<string> TrustAnchors { get; init; }

    /// <summary>The worst of the signatures' indications; null with a refusal.</summary>
    public Indication? Indication { get; init; }

    /// <summary>The sub-indication of the signature that decided <see cref="Indication"/>.</summary>
    public SubIndication? SubIndication { get; init; }

    /// <summary>Why nothing was validated (not a PDF, too large, unreadable, no signature); null otherwise.</summary>
    public string? Refusal { get; init; }

    public IReadOnlyList<SignatureReport> Signatures { get; init; } = [];

    internal static ValidationReport Refused(string file, string format, DateTimeOffset time, IReadOnlyList<string> anchors, string why) =>
        new() { File = file, Format = format, ValidationTime = time, TrustAnchors = anchors, Refusal = why };
}

/// <summary>One signature's verdict, in the terms of EN 319 102-1.</summary>
public sealed record SignatureReport
{
    /// <summary>The PDF field name (<c>Seal1</c>, <c>DocumentTimestamp2</c>) or, for CAdES, <c>signature</c>.</summary>
    public required string Id { get; init; }

    /// <summary><c>signature</c> or <c>document-timestamp</c>.</summary>
    public required string Kind { get; init; }

    public required Indication Indication { get; init; }

    public SubIndication? SubIndication { get; init; }

    /// <summary>The baseline level verified: <c>B-B</c>, <c>B-T</c>, <c>B-LT</c>, <c>B-LTA</c>; null when not even B-B holds.</summary>
    public string? Level { get; init; }

    /// <summary>The signer's certificate (the TSA's for a document timestamp).</summary>
    public CertificateReport? Signer { get; init; }

    /// <summary>The time the signer claims (PAdES /M); not proof of anything.</summary>
    public DateTimeOffset? ClaimedSigningTime { get; init; }

    /// <summary>The earliest time a valid timestamp proves the signature existed (the best-signature-time); null without one.</summary>
    public DateTimeOffset? ProvenSigningTime { get; init; }

    public IReadOnlyList<TimestampReport> Timestamps { get; init; } = [];

    /// <summary>The revocation status of each certificate of the signer's chain below the anchor.</summary>
    public IReadOnlyList<RevocationReport> Revocation { get; init; } = [];

    /// <summary>The checks in the order they ran.</summary>
    public IReadOnlyList<CheckReport> Checks { get; init; } = [];
}

/// <summary>A certificate as a reader wants to see it.</summary>
public sealed record CertificateReport(
    string Subject,
    string? OrganizationIdentifier,
    string Issuer,
    string SerialNumber,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    string Sha256);

/// <summary>A signature timestamp (or the token of a document timestamp) and what it proves.</summary>
public sealed record TimestampReport(
    string Kind,
    DateTimeOffset? Time,
    string? Tsa,
    Indication Indication,
    SubIndication? SubIndication,
    string Detail);

/// <summary>The status found for one certificate: <c>good</c>, <c>revoked</c> or <c>unknown</c>.</summary>
public sealed record RevocationReport(
    string Subject,
    string Status,
    string? Source,
    DateTimeOffset? IssuedAt,
    DateTimeOffset? NextUpdate,
    DateTimeOffset? RevocationTime,
    string Detail);

/// <summary>One check: its name (stable, see docs/documents.md), result and a sentence.</summary>
public sealed record CheckReport(string Name, CheckResult Result, string Detail);

using Naqil.Identifiers;

namespace Naqil.Registry.Storage;

internal sealed record MemberRecord(MemberId Id, string Name);

internal sealed record ServiceRecord(ServiceId Id, bool PersonalData, string? Description, string? OpenApi);

/// <summary>A member's gateway; the certificates are DER.</summary>
internal sealed record GatewayRecord(MemberId Member, string Code, string Address, byte[] TlsCertificate, byte[] SigningCertificate);

/// <summary>A federation partner; the anchor is the DER of its registry's certificate.</summary>
internal sealed record PartnerRecord(string Instance, byte[] Anchor, string ConfigUrl);

/// <summary>An event topic; its identifier has a service's shape, the publisher subsystem and the topic code.</summary>
internal sealed record TopicRecord(ServiceId Id, bool PersonalData, string? Description, string? JsonSchema);

/// <summary>A subsystem, of this instance or of a partner, receiving a topic's events.</summary>
internal sealed record SubscriptionRecord(ServiceId Topic, SubsystemId Subscriber);

/// <summary>Everything the registry holds, read in one transaction so the serial matches the entries.</summary>
internal sealed record RegistrySnapshot(
    long Serial,
    IReadOnlyList<MemberRecord> Members,
    IReadOnlyList<SubsystemId> Subsystems,
    IReadOnlyList<ServiceRecord> Services,
    IReadOnlyList<GatewayRecord> Gateways,
    IReadOnlyList<byte[]> TrustedCas,
    IReadOnlyList<PartnerRecord> Partners,
    IReadOnlyList<TopicRecord> Topics,
    IReadOnlyList<SubscriptionRecord> Subscriptions);

internal enum StoreOutcome
{
    Created,
    Updated,
    Unchanged,
    Deleted,

    /// <summary>The entry to delete does not exist.</summary>
    NotFound,

    /// <summary>The entry's parent (member of a subsystem or gateway, subsystem of a service or topic, topic of a subscription) does not exist.</summary>
    ParentNotFound,

    /// <summary>An entry the new one names, other than its parent, does not exist (a subscription's subscriber subsystem or partner).</summary>
    ReferenceNotFound,

    /// <summary>The identifier already names an entry of another kind (a topic with a service's identifier, or the reverse).</summary>
    IdentifierTaken,
}

/// <summary>What a write did, and the serial after it; the serial grows only when something changed.</summary>
internal readonly record struct StoreResult(StoreOutcome Outcome, long Serial)
{
    public bool Changed => Outcome is StoreOutcome.Created or StoreOutcome.Updated or StoreOutcome.Deleted;
}

/// <summary>
/// A certificate one of the registry's CAs issued: the CA's name (<c>root</c>, <c>gateway</c>,
/// <c>seal</c>), the serial as upper-case hex, the kind's wire name, the subject, the member a seal
/// names, validity and DER.
/// </summary>
internal sealed record IssuedCertificateRecord(
    string Issuer, string Serial, string Kind, string Subject, string? Member, DateTimeOffset NotBefore, DateTimeOffset NotAfter, byte[] Certificate);

/// <summary>When and why a certificate was revoked; the reason is the RFC 5280 code.</summary>
internal sealed record RevocationRecord(DateTimeOffset RevokedAt, System.Security.Cryptography.X509Certificates.X509RevocationReason Reason);

internal sealed record IssuedCertificateEntry(IssuedCertificateRecord Certificate, RevocationRecord? Revocation);

internal sealed record RevokedCertificate(string Serial, RevocationRecord Revocation);

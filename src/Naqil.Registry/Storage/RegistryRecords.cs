using Naqil.Identifiers;

namespace Naqil.Registry.Storage;

internal sealed record MemberRecord(MemberId Id, string Name);

internal sealed record ServiceRecord(ServiceId Id, bool PersonalData, string? Description, string? OpenApi);

/// <summary>A member's gateway; the certificates are DER.</summary>
internal sealed record GatewayRecord(MemberId Member, string Code, string Address, byte[] TlsCertificate, byte[] SigningCertificate);

/// <summary>A federation partner; the anchor is the DER of its registry's certificate.</summary>
internal sealed record PartnerRecord(string Instance, byte[] Anchor, string ConfigUrl);

/// <summary>Everything the registry holds, read in one transaction so the serial matches the entries.</summary>
internal sealed record RegistrySnapshot(
    long Serial,
    IReadOnlyList<MemberRecord> Members,
    IReadOnlyList<SubsystemId> Subsystems,
    IReadOnlyList<ServiceRecord> Services,
    IReadOnlyList<GatewayRecord> Gateways,
    IReadOnlyList<byte[]> TrustedCas,
    IReadOnlyList<PartnerRecord> Partners);

internal enum StoreOutcome
{
    Created,
    Updated,
    Unchanged,
    Deleted,

    /// <summary>The entry to delete does not exist.</summary>
    NotFound,

    /// <summary>The entry's parent (member of a subsystem or gateway, subsystem of a service) does not exist.</summary>
    ParentNotFound,
}

/// <summary>What a write did, and the serial after it; the serial grows only when something changed.</summary>
internal readonly record struct StoreResult(StoreOutcome Outcome, long Serial)
{
    public bool Changed => Outcome is StoreOutcome.Created or StoreOutcome.Updated or StoreOutcome.Deleted;
}

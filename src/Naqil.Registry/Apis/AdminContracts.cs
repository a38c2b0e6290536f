using System.Text.Json;
using System.Text.Json.Serialization;

namespace Naqil.Registry.Apis;

// Request bodies refuse unknown members and nulls in non-nullable members, so a typo in an admin
// script is an error rather than a silently ignored field.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(MemberRequest))]
[JsonSerializable(typeof(ServiceRequest))]
[JsonSerializable(typeof(GatewayRequest))]
[JsonSerializable(typeof(IssueCertificateRequest))]
[JsonSerializable(typeof(RevokeCertificateRequest))]
[JsonSerializable(typeof(PartnerRequest))]
[JsonSerializable(typeof(TopicRequest))]
[JsonSerializable(typeof(SubscriptionRequest))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;

internal sealed record MemberRequest
{
    public required string Name { get; init; }
}

internal sealed record ServiceRequest
{
    /// <summary>Required: whether callers must state a purpose is never left to a default.</summary>
    public required bool PersonalData { get; init; }

    public string? Description { get; init; }

    /// <summary>The service's OpenAPI description as JSON text.</summary>
    public string? OpenApi { get; init; }
}

internal sealed record GatewayRequest
{
    public required string Address { get; init; }

    public required string TlsCertificate { get; init; }

    public required string SigningCertificate { get; init; }
}

internal sealed record IssueCertificateRequest
{
    public required string Csr { get; init; }

    /// <summary><c>tls</c>, <c>signing</c> or <c>seal</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>For a seal (required there, refused elsewhere): the member it is for, e.g. <c>SY/GOV/CIVREG</c>.</summary>
    public string? Member { get; init; }
}

internal sealed record RevokeCertificateRequest
{
    /// <summary>An RFC 5280 reason by its ASN.1 name: <c>keyCompromise</c>, <c>superseded</c>, ….</summary>
    public required string Reason { get; init; }
}

internal sealed record PartnerRequest
{
    public required string Anchor { get; init; }

    public required string ConfigUrl { get; init; }
}

internal sealed record TopicRequest
{
    /// <summary>Required, as for a service: whether events carry personal data is never left to a default.</summary>
    public required bool PersonalData { get; init; }

    public string? Description { get; init; }

    /// <summary>A JSON Schema of the events' bodies, as JSON text.</summary>
    public string? Schema { get; init; }
}

/// <summary>
/// A subscription's optional body, which has no members: where the events go on the subscriber's
/// backend is the subscriber gateway's configuration, and a script sending it here is told so
/// rather than having it silently dropped.
/// </summary>
internal sealed record SubscriptionRequest;

internal sealed record MemberResponse(string Id, string Name, IReadOnlyList<string> Subsystems);

internal sealed record MembersResponse(long Serial, IReadOnlyList<MemberResponse> Members);

internal sealed record SubsystemResponse(string Id, string Member);

internal sealed record ServiceResponse(string Id, bool PersonalData, string? Description, string? OpenApi);

internal sealed record ServicesResponse(long Serial, IReadOnlyList<ServiceResponse> Services);

/// <summary>A gateway with its certificates as PEM; <c>SigningKeyId</c> is the RFC 9421 keyid its signatures carry.</summary>
internal sealed record GatewayResponse(string Member, string Code, string Address, string TlsCertificate, string SigningCertificate, string SigningKeyId);

internal sealed record GatewaysResponse(long Serial, IReadOnlyList<GatewayResponse> Gateways);

/// <summary>A certificate just issued, as PEM, with the name of the CA that issued it and its serial (upper-case hex).</summary>
internal sealed record IssuedCertificateResponse(string Certificate, string Issuer, string Serial);

/// <summary>
/// A certificate a CA of the registry issued: <c>status</c> is <c>good</c>, <c>revoked</c> or
/// <c>expired</c>; <c>revokedAt</c> and <c>reason</c> are set when revoked; <c>certificate</c>
/// (PEM) only when one certificate is asked for.
/// </summary>
internal sealed record CertificateResponse(
    string Issuer, string Serial, string Kind, string Subject, string? Member, DateTimeOffset NotBefore, DateTimeOffset NotAfter,
    string Status, DateTimeOffset? RevokedAt, string? Reason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Certificate = null);

internal sealed record CertificatesResponse(IReadOnlyList<CertificateResponse> Certificates);

/// <summary>One CA as <c>GET /pki/v1/cas</c> lists it.</summary>
internal sealed record PkiCaResponse(
    string Name, string Subject, string? IssuedBy, string Thumbprint, string CertificateUrl, string CrlUrl, string OcspUrl, IReadOnlyList<string> Issues);

internal sealed record PkiCasResponse(IReadOnlyList<PkiCaResponse> Cas);

internal sealed record PartnerResponse(string Instance, string Anchor, string ConfigUrl, string AnchorThumbprint);

internal sealed record PartnersResponse(long Serial, IReadOnlyList<PartnerResponse> Partners);

internal sealed record TopicResponse(string Id, string Publisher, bool PersonalData, string? Description, string? Schema);

internal sealed record TopicsResponse(long Serial, IReadOnlyList<TopicResponse> Topics);

internal sealed record SubscriptionResponse(string Topic, string Subscriber);

internal sealed record SubscriptionsResponse(long Serial, IReadOnlyList<SubscriptionResponse> Subscriptions);

internal sealed record HealthResponse(string Status, long Serial);

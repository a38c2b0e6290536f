namespace Naqil.Trust;

/// <summary>
/// An instance's trust configuration: the registry's signed, versioned, expiring statement of who
/// is on the bus, where their gateways are, what they offer and whom the instance federates with.
/// Certificates are base64 DER. Gateways follow it and fail closed once it expires.
/// </summary>
public sealed record TrustConfiguration
{
    public const int CurrentFormat = 1;

    public int Format { get; init; } = CurrentFormat;

    public required string Instance { get; init; }

    /// <summary>Monotonically increasing; gateways refuse a lower serial than they hold.</summary>
    public required long Serial { get; init; }

    public required DateTimeOffset Issued { get; init; }

    public required DateTimeOffset Expires { get; init; }

    public IReadOnlyList<MemberEntry> Members { get; init; } = [];

    public IReadOnlyList<SubsystemEntry> Subsystems { get; init; } = [];

    public IReadOnlyList<GatewayEntry> Gateways { get; init; } = [];

    public IReadOnlyList<ServiceEntry> Services { get; init; } = [];

    // The source-generated reader sets every init-only member, passing null for one the document
    // lacks: a configuration signed before events has neither member and must read as empty lists.

    /// <summary>Event topics this instance's subsystems publish; absent in documents written before events.</summary>
    public IReadOnlyList<TopicEntry> Topics { get; init => field = value ?? []; } = [];

    /// <summary>Who receives each topic's events; absent in documents written before events.</summary>
    public IReadOnlyList<SubscriptionEntry> Subscriptions { get; init => field = value ?? []; } = [];

    /// <summary>CA certificates that issue gateway certificates on this instance.</summary>
    public IReadOnlyList<string> TrustedCas { get; init; } = [];

    public IReadOnlyList<TsaEntry> Tsas { get; init; } = [];

    public IReadOnlyList<PartnerEntry> Partners { get; init; } = [];
}

/// <param name="Id">Member identifier, <c>SY/GOV/CIVREG</c>.</param>
/// <param name="Name">Display name.</param>
public sealed record MemberEntry(string Id, string Name);

/// <param name="Id">Subsystem identifier, <c>SY/GOV/MOCT/portal</c>.</param>
public sealed record SubsystemEntry(string Id);

/// <summary>A member's gateway (security server).</summary>
/// <param name="Member">The member it serves, <c>SY/GOV/CIVREG</c>.</param>
/// <param name="Code">The gateway's code within the member, e.g. <c>gw1</c>.</param>
/// <param name="Address">Base URL of its provider face, <c>https://host:port</c>.</param>
/// <param name="TlsCertificate">DER certificate it presents in mutual TLS (base64 in the JSON).</param>
/// <param name="SigningCertificate">DER certificate whose key signs its messages (base64 in the JSON).</param>
/// <remarks>
/// The certificates are bytes, not base64 strings, because a configuration lists two per member:
/// at 10,000 members the reader decodes them straight from the UTF-8 document, and a gateway holds
/// 8 MB of DER instead of 22 MB of UTF-16 base64 that it would decode again to index them. Being
/// arrays, they make the record's equality compare them by reference; compare with
/// <see cref="SameAs"/>.
/// </remarks>
public sealed record GatewayEntry(string Member, string Code, string Address, byte[] TlsCertificate, byte[] SigningCertificate)
{
    /// <summary>Same member, code, address and certificate bytes.</summary>
    public bool SameAs(GatewayEntry other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Member == other.Member && Code == other.Code && Address == other.Address
            && TlsCertificate.AsSpan().SequenceEqual(other.TlsCertificate) && SigningCertificate.AsSpan().SequenceEqual(other.SigningCertificate);
    }
}

/// <param name="Id">Service identifier, <c>SY/GOV/CIVREG/registry/persons</c>.</param>
/// <param name="PersonalData">Calls must state a purpose (<c>Naqil-Purpose</c>).</param>
/// <param name="Description">What the service does.</param>
/// <param name="OpenApi">The service's OpenAPI description (JSON text), if published.</param>
public sealed record ServiceEntry(string Id, bool PersonalData, string? Description = null, string? OpenApi = null);

/// <summary>An event topic in the catalogue: a publisher subsystem's named stream of events.</summary>
/// <param name="Id">Topic identifier, the publisher subsystem and the topic code: <c>SY/GOV/POST/ems/items</c>.</param>
/// <param name="PersonalData">Its events carry personal data.</param>
/// <param name="Description">What the topic's events say.</param>
/// <param name="Schema">A JSON Schema of the events' bodies (JSON text), if published.</param>
public sealed record TopicEntry(string Id, bool PersonalData, string? Description = null, string? Schema = null);

/// <summary>
/// A subscription: the publisher's gateway delivers the topic's events to the subscriber's
/// gateways. It lives in the publisher's instance's configuration; the subscriber may be a
/// subsystem of a listed federation partner. Where the subscriber's gateway posts the events on its
/// own backend is that gateway's own configuration, not the registry's.
/// </summary>
/// <param name="Topic">Topic identifier, <c>SY/GOV/POST/ems/items</c>.</param>
/// <param name="Subscriber">Subscriber subsystem identifier, <c>IQ/GOV/POST/ems</c>.</param>
public sealed record SubscriptionEntry(string Topic, string Subscriber);

/// <param name="Url">Where RFC 3161 requests go.</param>
/// <param name="Certificate">Base64 DER certificate of the TSA.</param>
public sealed record TsaEntry(string Url, string Certificate);

/// <summary>A federation partner: another instance whose configuration gateways may fetch.</summary>
/// <param name="Instance">The partner's instance code, <c>IQ</c>.</param>
/// <param name="Anchor">Base64 DER of the partner registry's certificate.</param>
/// <param name="ConfigUrl">Where the partner's trust configuration is served.</param>
public sealed record PartnerEntry(string Instance, string Anchor, string ConfigUrl);

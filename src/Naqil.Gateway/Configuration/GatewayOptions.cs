namespace Naqil.Gateway.Configuration;

/// <summary>
/// A gateway's configuration, bound from the <c>Gateway</c> section of its configuration file and
/// validated at start by <see cref="GatewayOptionsValidator"/>.
/// </summary>
public sealed record GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>The member this gateway serves, <c>SY/GOV/CIVREG</c>.</summary>
    public string Member { get; init; } = "";

    /// <summary>The gateway's code within its member as registered at the registry, e.g. <c>gw1</c>.</summary>
    public string Code { get; init; } = "gw1";

    /// <summary>Where the instance's trust configuration is served, <c>http://127.0.0.1:4000/trust/v1/config</c>.</summary>
    public string TrustConfigurationUrl { get; init; } = "";

    /// <summary>PEM file with the registry's certificate (the anchor) that signs the trust configuration.</summary>
    public string AnchorFile { get; init; } = "";

    /// <summary>
    /// Federation partners (instance codes such as <c>IQ</c>) this gateway deals with, on top of its
    /// registry listing them. Default: none — cross-border traffic needs consent on both levels.
    /// </summary>
    public IReadOnlyList<string> AllowedPartners { get; init; } = [];

    /// <summary>How often the trust configuration is polled.</summary>
    public TimeSpan TrustPollInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Folder for the gateway's keys' neighbours, its database and its last trust configuration.</summary>
    public string DataDirectory { get; init; } = "";

    /// <summary>PEM certificate and key presented in mutual TLS between gateways.</summary>
    public string TlsCertificateFile { get; init; } = "";

    public string TlsKeyFile { get; init; } = "";

    /// <summary>PEM certificate and key that sign requests and responses (RFC 9421).</summary>
    public string SigningCertificateFile { get; init; } = "";

    public string SigningKeyFile { get; init; } = "";

    /// <summary>Consumer face, for the member's own information systems: <c>http://127.0.0.1:8080</c>.</summary>
    public string ConsumerUrl { get; init; } = "http://127.0.0.1:8080";

    /// <summary>Provider face, for other gateways (always HTTPS with mutual TLS 1.3): <c>https://127.0.0.1:8443</c>.</summary>
    public string ProviderUrl { get; init; } = "https://127.0.0.1:8443";

    /// <summary>Bearer token for the gateway's admin API (at least 16 characters).</summary>
    public string AdminToken { get; init; } = "";

    /// <summary>Largest request or response body carried, in bytes.</summary>
    public long MaxBodyBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>How far a signature's <c>created</c> may be from this gateway's clock.</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many recently seen <c>Naqil-Id</c>s the replay cache holds at most.</summary>
    public int ReplayCacheCapacity { get; init; } = 2_000_000;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait for a provider gateway's or a backend's response.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Information systems allowed to call through the consumer face, and how each proves who it is.</summary>
    public IReadOnlyList<ClientOptions> Clients { get; init; } = [];

    /// <summary>Services this gateway provides, and where their backends are.</summary>
    public IReadOnlyList<ProvidedServiceOptions> Services { get; init; } = [];

    /// <summary>Access rules loaded at start (added to those kept in the database).</summary>
    public IReadOnlyList<AclRuleOptions> Acl { get; init; } = [];
}

/// <summary>One client subsystem on the consumer face.</summary>
public sealed record ClientOptions
{
    /// <summary>The subsystem, <c>SY/GOV/MOCT/portal</c>; it must belong to this gateway's member.</summary>
    public string Subsystem { get; init; } = "";

    /// <summary>Hex SHA-256 of API keys accepted in the <c>Naqil-Api-Key</c> header (the keys themselves are not stored).</summary>
    public IReadOnlyList<string> ApiKeySha256 { get; init; } = [];

    /// <summary>Hex SHA-256 thumbprints of TLS client certificates accepted on an HTTPS consumer face.</summary>
    public IReadOnlyList<string> CertificateSha256 { get; init; } = [];

    /// <summary>Trust any caller on a loopback address to speak for this subsystem (the sandbox only).</summary>
    public bool AllowUnauthenticatedLoopback { get; init; }
}

/// <summary>A service provided behind this gateway.</summary>
public sealed record ProvidedServiceOptions
{
    /// <summary>The service, <c>SY/GOV/CIVREG/registry/persons</c>; its subsystem must belong to this gateway's member.</summary>
    public string Service { get; init; } = "";

    /// <summary>The backend's base URL; the path after the service id is appended to it.</summary>
    public string Backend { get; init; } = "";
}

/// <summary>Allows a client subsystem to call a service, optionally only some methods or paths.</summary>
public sealed record AclRuleOptions
{
    public string Service { get; init; } = "";

    public string Client { get; init; } = "";

    /// <summary>Methods allowed; empty means all.</summary>
    public IReadOnlyList<string> Methods { get; init; } = [];

    /// <summary>Path prefix (after the service id) allowed, e.g. <c>/persons/</c>; empty means all.</summary>
    public string PathPrefix { get; init; } = "";
}

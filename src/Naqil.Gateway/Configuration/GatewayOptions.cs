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

    /// <summary>
    /// A PostgreSQL database the member's gateways share, when several serve one member behind one
    /// address: the access rules and the replay window live there, so a rule changed at one gateway
    /// applies at all and a request accepted by one is refused as a replay by the others. Each
    /// gateway keeps its own keys and its own message log. Empty (the default): the access rules are
    /// in <c>gateway.db</c> and the replay window in memory.
    /// </summary>
    public string SharedStateConnectionString { get; init; } = "";

    /// <summary>How often a gateway on shared state looks for access rules changed at another gateway.</summary>
    public TimeSpan SharedStatePollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Largest trust configuration (the own instance's or a partner's) the gateway reads. A larger
    /// answer is refused unread, before any signature is checked: whoever answers the registry's
    /// address cannot fill the gateway's memory. 10,000 members take about 25 MB.
    /// </summary>
    public long MaxTrustConfigurationBytes { get; init; } = 64L << 20;

    /// <summary>How far a signature's <c>created</c> may be from this gateway's clock.</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many recently seen <c>Naqil-Id</c>s the replay cache holds at most.</summary>
    public int ReplayCacheCapacity { get; init; } = 2_000_000;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The most connections kept open to one provider gateway, and to one backend. Exchanges beyond
    /// it wait for a free connection (within the timeouts) instead of opening new ones: after a
    /// stall, thousands of mutual-TLS handshakes at once would prolong it.
    /// </summary>
    public int MaxConnectionsPerPeer { get; init; } = 128;

    /// <summary>How long to wait for a provider gateway's or a backend's response.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often the memory glibc's malloc holds free (OpenSSL's and SQLite's short-lived blocks,
    /// spread over one arena per thread) is handed back to the system with <c>malloc_trim</c>, so
    /// resident memory follows what is in use. Zero turns it off; it does nothing without glibc.
    /// </summary>
    public TimeSpan NativeHeapTrimInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Information systems allowed to call through the consumer face, and how each proves who it is.</summary>
    public IReadOnlyList<ClientOptions> Clients { get; init; } = [];

    /// <summary>Services this gateway provides, and where their backends are.</summary>
    public IReadOnlyList<ProvidedServiceOptions> Services { get; init; } = [];

    /// <summary>Access rules loaded at start (added to those kept in the database).</summary>
    public IReadOnlyList<AclRuleOptions> Acl { get; init; } = [];

    /// <summary>
    /// Topics this gateway's subsystems subscribe to, and where on their backends each event is
    /// posted. The subscription itself is registered in the publisher's registry; this is the
    /// subscriber's half, which no other gateway needs to know.
    /// </summary>
    public IReadOnlyList<SubscriptionOptions> Subscriptions { get; init; } = [];

    /// <summary>How events are delivered: batches, retries, dead letters.</summary>
    public EventDeliveryOptions Events { get; init; } = new();

    /// <summary>The message log: storage, tree heads, timestamps, bodies and retention.</summary>
    public MessageLogOptions MessageLog { get; init; } = new();
}

/// <summary>The gateway's message log (<c>Gateway:MessageLog</c>).</summary>
public sealed record MessageLogOptions
{
    /// <summary><c>sqlite</c> (default, a file in the data directory) or <c>postgresql</c>.</summary>
    public string Storage { get; init; } = "sqlite";

    /// <summary>
    /// For <c>postgresql</c>, the Npgsql connection string (required). For <c>sqlite</c>, the
    /// database file; empty means <c>messagelog.db</c> in <see cref="GatewayOptions.DataDirectory"/>.
    /// </summary>
    public string ConnectionString { get; init; } = "";

    /// <summary>For <c>sqlite</c>: how long a write waits for a lock held elsewhere before it fails (and exchanges are refused).</summary>
    public TimeSpan SqliteBusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a new tree head is signed when the log has grown.</summary>
    public TimeSpan TreeHeadInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the latest signed tree head is sent to the TSA (one token per interval, whatever the traffic).</summary>
    public TimeSpan TimestampInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long timestamping may keep failing before the gateway refuses exchanges with <c>timestamp-unavailable</c>.</summary>
    public TimeSpan TimestampGracePeriod { get; init; } = TimeSpan.FromHours(1);

    /// <summary>A TSA to use instead of those in the trust configuration (with <see cref="TsaCertificateFile"/>).</summary>
    public string TsaUrl { get; init; } = "";

    /// <summary>PEM certificate of the TSA named by <see cref="TsaUrl"/>.</summary>
    public string TsaCertificateFile { get; init; } = "";

    /// <summary>What is kept of bodies when no rule names the client or service subsystem: <c>full</c>, <c>metadata</c> (default) or <c>none</c>.</summary>
    public string DefaultBodyPolicy { get; init; } = "metadata";

    /// <summary>Body policies per client or service subsystem.</summary>
    public IReadOnlyList<BodyPolicyOptions> BodyPolicies { get; init; } = [];

    /// <summary>The 32-byte AES-256-GCM key for stored bodies, outside the database; created (0600) when absent. Empty means <c>messagelog-body.key</c> in the data directory.</summary>
    public string BodyKeyFile { get; init; } = "";

    /// <summary>How long stored bodies are kept; unset keeps them. Entries, leaves and proofs are never purged.</summary>
    public TimeSpan? BodyRetention { get; init; }

    /// <summary>How often bodies past their retention are purged.</summary>
    public TimeSpan PurgeInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Most appends written in one transaction.</summary>
    public int MaxBatch { get; init; } = 1024;
}

/// <summary>What the message log keeps of the bodies of exchanges by one client or service subsystem.</summary>
public sealed record BodyPolicyOptions
{
    /// <summary>A client or service subsystem, <c>SY/GOV/MOCT/portal</c>.</summary>
    public string Subsystem { get; init; } = "";

    /// <summary><c>full</c> (encrypted at rest), <c>metadata</c> (lengths only) or <c>none</c>.</summary>
    public string Policy { get; init; } = "metadata";
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

/// <summary>One subscription's delivery endpoint at the subscriber's gateway.</summary>
public sealed record SubscriptionOptions
{
    /// <summary>The topic, <c>SY/GOV/POST/ems/item-events</c>; it may be a federation partner's.</summary>
    public string Topic { get; init; } = "";

    /// <summary>The subscribing subsystem, <c>IQ/GOV/POST/ems</c>; it must belong to this gateway's member.</summary>
    public string Subscriber { get; init; } = "";

    /// <summary>The backend URL each event is posted to, <c>http://127.0.0.1:5000/events/ems</c>.</summary>
    public string Endpoint { get; init; } = "";
}

/// <summary>Delivery of events to subscribers (<c>Gateway:Events</c>), docs/protocol.md section 15.</summary>
public sealed record EventDeliveryOptions
{
    /// <summary>Most events carried in one delivery request to a subscriber's gateway.</summary>
    public int MaxBatch { get; init; } = 100;

    /// <summary>The wait after a delivery's first failure; it doubles with each further failure, with jitter.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long after its publication an event that still cannot be delivered goes to its subscription's dead letters.</summary>
    public TimeSpan DeadLetterAfter { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How many subscriptions (topic and subscriber) are delivered to at once.</summary>
    public int MaxConcurrentSubscriptions { get; init; } = 16;

    /// <summary>
    /// How long delivered events stay in the outbox, and received ones in the inbox, before they are
    /// forgotten: a publisher's resend with the same <c>Naqil-Id</c> is recognised within this time,
    /// and so is a redelivery at the subscriber. Pending events and dead letters are kept.
    /// </summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(7);
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

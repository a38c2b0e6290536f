namespace Naqil.Registry;

/// <summary>
/// Settings of one instance's registry, bound from the <c>Registry</c> section of its configuration
/// file (or built in code) and validated at start by the validators in
/// <see cref="Configuration.RegistryOptionsValidator"/>.
/// </summary>
public sealed record RegistryOptions
{
    public const string Section = "Registry";

    public const int MinimumAdminTokenLength = 16;

    /// <summary>Where <c>naqil registry</c> listens when <see cref="Url"/> is not set.</summary>
    public const string DefaultUrl = "http://127.0.0.1:4100";

    /// <summary>The instance this registry is the authority of, e.g. <c>SY</c>.</summary>
    public string Instance { get; init; } = "";

    /// <summary>Where the registry's keys and, with SQLite, its database live. Created when missing; locked by one registry at a time.</summary>
    public string DataDirectory { get; init; } = "";

    /// <summary>
    /// Where the members, services, gateways and serial are kept: <c>sqlite</c> (default, the file
    /// <c>registry.db</c> in <see cref="DataDirectory"/>) or <c>postgresql</c>.
    /// </summary>
    public string Storage { get; init; } = "sqlite";

    /// <summary>For <c>postgresql</c>, the Npgsql connection string (required); empty for <c>sqlite</c>.</summary>
    public string ConnectionString { get; init; } = "";

    /// <summary>Bearer token of the admin API; at least <see cref="MinimumAdminTokenLength"/> characters.</summary>
    public string AdminToken { get; init; } = "";

    /// <summary>How long a signed trust configuration stays valid. Gateways fail closed after it.</summary>
    public TimeSpan ConfigurationLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Where <c>naqil registry</c> listens, e.g. <c>http://127.0.0.1:4100</c>. Hosts that compose the registry themselves choose their own listeners.</summary>
    public string Url { get; init; } = DefaultUrl;

    /// <summary>The registry's base URL as gateways reach it; informational.</summary>
    public string? PublicUrl { get; init; }

    /// <summary>
    /// External RFC 3161 TSAs to publish in the trust configuration (production). When empty, the
    /// registry publishes its own sandbox TSA at <see cref="PublicUrl"/><c>/tsa</c>, if that is set.
    /// </summary>
    public IReadOnlyList<ExternalTsaOptions> Tsas { get; init; } = [];

    /// <summary>Which of the registry's keys live in a PKCS#11 token rather than in PEM files in <see cref="DataDirectory"/> (docs/keys.md).</summary>
    public RegistryKeyOptions Keys { get; init; } = new();
}

/// <summary>
/// Each key a <c>pkcs11:</c> URI (RFC 7512) naming the key in its token, or null for a PEM file in
/// the data directory. A key named but not yet in the token is generated there on first start; its
/// certificate is written to the data directory as always.
/// </summary>
public sealed record RegistryKeyOptions
{
    /// <summary>The anchor's key, which signs the trust configuration.</summary>
    public string? Anchor { get; init; }

    public string? RootCa { get; init; }

    public string? GatewayCa { get; init; }

    public string? SealCa { get; init; }

    /// <summary>The sandbox TSA's key.</summary>
    public string? Tsa { get; init; }
}

/// <summary>An external time-stamping authority: where RFC 3161 requests go and the certificate its tokens verify with.</summary>
public sealed record ExternalTsaOptions
{
    public string Url { get; init; } = "";

    /// <summary>PEM file with the TSA's certificate.</summary>
    public string CertificateFile { get; init; } = "";
}

using Naqil.Trust;

namespace Naqil.Registry.Certificates.Pki;

/// <summary>One CA of the registry's PKI, as a host or an operator needs to know it.</summary>
/// <param name="Name">The CA's name in URLs, the store and the admin API: <c>root</c>, <c>gateway</c> or <c>seal</c>.</param>
/// <param name="Subject">The CA certificate's subject.</param>
/// <param name="IssuedBy">The name of the CA that certified it; null for the root.</param>
/// <param name="CertificateFile">The absolute path of its PEM certificate in the registry's data directory.</param>
/// <param name="CertificateUrl">Where its certificate is served, DER (the caIssuers of what it issues).</param>
/// <param name="CrlUrl">Its CRL, DER.</param>
/// <param name="OcspUrl">Its OCSP responder (POST, or GET with the base64 request appended).</param>
/// <param name="Thumbprint">Lower-case hex SHA-256 of its certificate.</param>
/// <param name="Issues">The kinds of certificate it issues (<c>ca</c>, <c>tls</c>, <c>signing</c>, <c>seal</c>, <c>tsa</c>).</param>
public sealed record PkiCaDescription(
    string Name, string Subject, string? IssuedBy, string CertificateFile, string CertificateUrl, string CrlUrl, string OcspUrl, string Thumbprint, IReadOnlyList<string> Issues);

/// <summary>
/// The registry's PKI as a whole: a root CA certifying two issuing CAs, <c>gateway</c> and
/// <c>seal</c>, each with its CRL and OCSP responder under the registry's public URL
/// (docs/pki.md). <see cref="Describe"/> is what a host (the sandbox) writes into its manifest.
/// </summary>
public sealed class RegistryPki
{
    public const string RootName = "root";
    public const string GatewayName = "gateway";
    public const string SealName = "seal";

    private readonly RegistryKeys _keys;

    public RegistryPki(RegistryKeys keys, RegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(options);
        _keys = keys;
        Urls = PkiUrls.For(options);
    }

    /// <summary>Root first, then the issuing CAs.</summary>
    public IReadOnlyList<RegistryCa> Authorities => [_keys.Root, _keys.GatewayCa, _keys.SealCa];

    public RegistryCa Root => _keys.Root;

    internal PkiUrls Urls { get; }

    /// <summary>The kinds a CA issues, by its name.</summary>
    public static IReadOnlyList<CertificateKind> KindsOf(string ca) => ca switch
    {
        RootName => [CertificateKind.IssuingCa],
        GatewayName => [CertificateKind.Tls, CertificateKind.Signing, CertificateKind.Timestamping],
        SealName => [CertificateKind.Seal],
        _ => [],
    };

    /// <summary>Every CA with its files and URLs, root first.</summary>
    public IReadOnlyList<PkiCaDescription> Describe() =>
    [
        .. Authorities.Select(ca => new PkiCaDescription(
            ca.Name,
            ca.Certificate.Subject,
            ca.Issuer?.Name,
            ca.CertificateFile,
            Urls.Certificate(ca.Name),
            Urls.Crl(ca.Name),
            Urls.Ocsp(ca.Name),
            SignedTrustConfiguration.Thumbprint(ca.Certificate),
            [.. KindsOf(ca.Name).Select(CertificateKinds.Name)])),
    ];

    /// <summary>The CA named <paramref name="name"/>, or null.</summary>
    public RegistryCa? Find(string? name) => Authorities.FirstOrDefault(ca => ca.Name == name);

    /// <summary>The CA that issues <paramref name="kind"/>.</summary>
    public RegistryCa IssuerOf(CertificateKind kind) => kind switch
    {
        CertificateKind.IssuingCa => _keys.Root,
        CertificateKind.Seal => _keys.SealCa,
        _ => _keys.GatewayCa,
    };
}

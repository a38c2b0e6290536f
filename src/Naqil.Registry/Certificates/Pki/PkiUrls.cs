namespace Naqil.Registry.Certificates.Pki;

/// <summary>
/// Where the PKI's public face is, as written into every certificate it issues: under
/// <see cref="RegistryOptions.PublicUrl"/>, or <see cref="RegistryOptions.Url"/> when no public
/// URL is set. A certificate keeps the URLs it was issued with.
/// </summary>
internal sealed class PkiUrls(string baseUrl)
{
    public const string Prefix = "/pki/v1";

    public static PkiUrls For(RegistryOptions options) => new((options.PublicUrl ?? options.Url).TrimEnd('/'));

    public string Base { get; } = baseUrl;

    /// <summary>The CA's CRL, DER: <c>{base}/pki/v1/crl/{ca}.crl</c>.</summary>
    public string Crl(string ca) => $"{Base}{Prefix}/crl/{ca}.crl";

    /// <summary>The CA's OCSP responder: <c>{base}/pki/v1/ocsp/{ca}</c>.</summary>
    public string Ocsp(string ca) => $"{Base}{Prefix}/ocsp/{ca}";

    /// <summary>The CA's certificate, DER (the AIA caIssuers location): <c>{base}/pki/v1/ca/{ca}.crt</c>.</summary>
    public string Certificate(string ca) => $"{Base}{Prefix}/ca/{ca}.crt";
}

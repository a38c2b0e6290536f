using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Naqil.Agencies.CivilRegistry;
using Naqil.Configuration;
using Naqil.Documents.Sealing;
using Naqil.Registry.Certificates;
using Naqil.Registry.Certificates.Pki;

namespace Naqil.Cli.Sandbox;

/// <summary>What a sample backend needs from its instance: where it keeps its files, its gateway, its partners, and its registry (for seals, timestamps and CRLs).</summary>
internal sealed record BackendContext(string Directory, Uri? Gateway, string[] Partners, IServiceProvider Registry, string RegistryUrl, IReadOnlyList<MemberPlan> Members)
{
    /// <summary>Where the sandbox's signing keys are (the seal's among them).</summary>
    public SandboxKeys Keys { get; init; } = SandboxKeys.Files;
}

/// <summary>
/// The civil registry's documents in the sandbox: an organisation seal issued by the instance's
/// seal CA (kept across restarts), the registry's TSA, and the CAs' CRLs as revocation data.
/// </summary>
internal static class SandboxDocuments
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(20) };

    public static async Task<ExtractIssuerOptions> ExtractIssuerOptionsAsync(BackendContext context, string member, string memberName, string backendUrl, CancellationToken cancellationToken)
    {
        var pki = context.Registry.GetRequiredService<RegistryPki>();
        var keys = context.Registry.GetRequiredService<RegistryKeys>();
        var sealCa = pki.Find(RegistryPki.SealName)!;
        var (seal, sealKey) = await SealAsync(context, member, memberName, cancellationToken);
        var authorities = pki.Authorities.Select(a => a.Certificate).ToList();
        var timestamps = new HttpTimestampClient(Http, new Uri($"{context.RegistryUrl}/tsa"), [keys.TsaCertificate, .. authorities]);
        var crls = pki.Describe().ToDictionary(d => d.Thumbprint, d => new Uri(d.CrlUrl), StringComparer.Ordinal);
        return new ExtractIssuerOptions(new SealKey(seal, [sealCa.Certificate, pki.Root.Certificate], sealKey), timestamps, new CrlRevocationSource(Http, crls), new Uri(backendUrl));
    }

    /// <summary>What the civil registry's verification endpoint trusts: the instance's root, without its key.</summary>
    public static IReadOnlyList<X509Certificate2> TrustAnchors(BackendContext context) =>
        [X509CertificateLoader.LoadCertificate(context.Registry.GetRequiredService<RegistryPki>().Root.Certificate.RawData)];

    /// <summary>
    /// The member's seal: a P-256 key and its certificate from the seal CA, issued on the first
    /// start only; the key a PEM file, or in the sandbox's token (then returned beside the certificate).
    /// </summary>
    private static async Task<(X509Certificate2 Certificate, ECDsa? KeyInToken)> SealAsync(BackendContext context, string member, string name, CancellationToken cancellationToken)
    {
        var certificatePath = Path.Combine(context.Directory, "seal.crt");
        var keyPath = Path.Combine(context.Directory, "seal.key");
        var inToken = context.Keys.InToken;
        var tokenKey = inToken ? context.Keys.OpenOrGenerate(member.Replace('/', '-') + "-seal") : null;
        if (!File.Exists(certificatePath) || (!inToken && !File.Exists(keyPath)))
        {
            using var fileKey = inToken ? null : ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var key = tokenKey ?? fileKey!;
            var request = new CertificateRequest($"CN={member} seal", key, HashAlgorithmName.SHA256);
            var issued = await context.Registry.GetRequiredService<ICertificateAuthority>().IssueAsync(
                new CertificateIssueRequest(request.CreateSigningRequestPem(), CertificateKind.Seal) { Organisation = new SealOrganisation(member, name) }, cancellationToken);
            if (!issued.Succeeded)
            {
                throw new SandboxException($"the seal CA refused the civil registry's seal: {issued.Error}");
            }

            OwnerOnly.CreateDirectory(context.Directory);
            if (fileKey is not null)
            {
                OwnerOnly.WriteAllText(keyPath, fileKey.ExportPkcs8PrivateKeyPem());
            }

            await File.WriteAllTextAsync(certificatePath, issued.CertificatePem, cancellationToken);
        }

        return inToken ? (X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(certificatePath, cancellationToken)), tokenKey) : (X509Certificate2.CreateFromPemFile(certificatePath, keyPath), null);
    }
}

/// <summary>The PKI of one instance in <c>sandbox.json</c>: the root certificate file, and each CA's certificate, CRL and OCSP addresses.</summary>
internal sealed record PkiManifest(string RootCertificateFile, IReadOnlyDictionary<string, PkiCaManifest> Cas)
{
    public static PkiManifest From(RegistryPki pki) => new(
        pki.Root.CertificateFile,
        pki.Describe().ToDictionary(d => d.Name, d => new PkiCaManifest(d.CertificateFile, d.CertificateUrl, d.CrlUrl, d.OcspUrl, d.Issues), StringComparer.Ordinal));
}

internal sealed record PkiCaManifest(string CertificateFile, string Certificate, string Crl, string Ocsp, IReadOnlyList<string> Issues);

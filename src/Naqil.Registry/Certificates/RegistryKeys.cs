using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Naqil.Registry.Certificates.Pki;
using Naqil.Trust;

namespace Naqil.Registry.Certificates;

/// <summary>
/// The registry's key pairs, generated on first start (ECDSA P-256) and kept as PEM files in the
/// data directory, private keys readable by the owner only, so a restart keeps the same anchor and
/// CAs: the signing key behind the anchor certificate (the root of trust gateways receive out of
/// band); the PKI's root CA and its two issuing CAs, gateway and seal (docs/pki.md); the sandbox
/// TSA's; and, in a data directory made before the PKI existed, the old single sandbox CA, which is
/// kept only so the certificates it issued still chain (it issues nothing new).
/// </summary>
public sealed class RegistryKeys : IDisposable
{
    internal const string SigningKeyFile = "registry-signing-key.pem";
    internal const string AnchorFile = "registry-anchor.pem";
    internal const string RootKeyFile = "root-ca-key.pem";
    internal const string RootCertificateFile = "root-ca.pem";
    internal const string GatewayCaKeyFile = "gateway-ca-key.pem";
    internal const string GatewayCaCertificateFile = "gateway-ca.pem";
    internal const string SealCaKeyFile = "seal-ca-key.pem";
    internal const string SealCaCertificateFile = "seal-ca.pem";
    internal const string LegacyCaKeyFile = "sandbox-ca-key.pem";
    internal const string LegacyCaCertificateFile = "sandbox-ca.pem";
    internal const string TsaKeyFile = "sandbox-tsa-key.pem";
    internal const string TsaCertificateFile = "sandbox-tsa.pem";

    // Slack for clocks a little behind the registry's, so a fresh certificate is not "not yet valid".
    internal static readonly TimeSpan BackdateBy = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan AnchorValidity = TimeSpan.FromDays(3652);

    private RegistryKeys(ECDsa signingKey, X509Certificate2 anchor, RegistryCa root, RegistryCa gateway, RegistryCa seal,
        (ECDsa Key, X509Certificate2 Certificate)? legacy, ECDsa tsaKey, X509Certificate2 tsa)
    {
        SigningKey = signingKey;
        AnchorCertificate = anchor;
        Root = root;
        GatewayCa = gateway;
        SealCa = seal;
        LegacyCaKey = legacy?.Key;
        LegacyCaCertificate = legacy?.Certificate;
        TsaKey = tsaKey;
        TsaCertificate = tsa;
    }

    /// <summary>The registry's self-signed certificate; its key signs the trust configuration.</summary>
    public X509Certificate2 AnchorCertificate { get; }

    /// <summary>The PKI's root CA: self-signed, certifies the issuing CAs only.</summary>
    public RegistryCa Root { get; }

    /// <summary>Issues gateways' TLS and signing certificates, and the sandbox TSA's.</summary>
    public RegistryCa GatewayCa { get; }

    /// <summary>Issues agencies' organisation seals.</summary>
    public RegistryCa SealCa { get; }

    /// <summary>
    /// The single self-signed sandbox CA of a data directory made before the PKI, when its files
    /// are still there: still listed in <c>trustedCas</c> so what it issued still chains; null otherwise.
    /// </summary>
    public X509Certificate2? LegacyCaCertificate { get; }

    /// <summary>The sandbox TSA's certificate (RFC 3161 time stamping only), issued by the gateway CA (or, in an older data directory, by the old sandbox CA).</summary>
    public X509Certificate2 TsaCertificate { get; }

    internal ECDsa SigningKey { get; }

    internal ECDsa? LegacyCaKey { get; }

    internal ECDsa TsaKey { get; }

    /// <summary>The anchor as PEM, the form handed to gateways and federation partners.</summary>
    public string ExportAnchorPem() => AnchorCertificate.ExportCertificatePem();

    public void Dispose()
    {
        SigningKey.Dispose();
        AnchorCertificate.Dispose();
        Root.Dispose();
        GatewayCa.Dispose();
        SealCa.Dispose();
        LegacyCaKey?.Dispose();
        LegacyCaCertificate?.Dispose();
        TsaKey.Dispose();
        TsaCertificate.Dispose();
    }

    internal static RegistryKeys LoadOrCreate(RegistryOptions options, TimeProvider time, ILogger logger)
    {
        var directory = options.DataDirectory;
        var instance = options.Instance;
        var urls = PkiUrls.For(options);
        var now = time.GetUtcNow();
        KeyFiles.EnsureDirectory(directory);
        var generated = false;
        var owned = new List<IDisposable>();
        try
        {
            var (signingKey, anchor) = Own(owned, KeyFiles.LoadOrCreatePair(directory, SigningKeyFile, AnchorFile, ref generated,
                key => CreateAnchor(key, $"CN=Naqil registry {instance}", now), options.Keys.Anchor));

            var root = Own(owned, LoadOrCreateCa(directory, RegistryPki.RootName, RootKeyFile, RootCertificateFile, null, ref generated,
                key => CertificateProfiles.Root(key, CaName(instance, "Root CA"), now), options.Keys.RootCa));
            var gateway = Own(owned, LoadOrCreateCa(directory, RegistryPki.GatewayName, GatewayCaKeyFile, GatewayCaCertificateFile, root, ref generated,
                key => CertificateProfiles.IssuingCa(key, CaName(instance, "Gateway CA"), RegistryPki.KindsOf(RegistryPki.GatewayName), root, urls, now), options.Keys.GatewayCa));
            var seal = Own(owned, LoadOrCreateCa(directory, RegistryPki.SealName, SealCaKeyFile, SealCaCertificateFile, root, ref generated,
                key => CertificateProfiles.IssuingCa(key, CaName(instance, "Seal CA"), RegistryPki.KindsOf(RegistryPki.SealName), root, urls, now), options.Keys.SealCa));

            var legacy = KeyFiles.TryLoadPair(directory, LegacyCaKeyFile, LegacyCaCertificateFile);
            if (legacy is { } pair)
            {
                owned.Add(pair.Key);
                owned.Add(pair.Certificate);
                Log.LegacyCaKept(logger, instance, SignedTrustConfiguration.Thumbprint(pair.Certificate));
            }

            var (tsaKey, tsa) = Own(owned, KeyFiles.LoadOrCreatePair(directory, TsaKeyFile, TsaCertificateFile, ref generated,
                key => CreateTsaCertificate(key, $"CN=Naqil sandbox TSA {instance}", gateway, urls, now), options.Keys.Tsa));

            var keys = new RegistryKeys(signingKey, anchor, root, gateway, seal, legacy, tsaKey, tsa);
            var anchorThumbprint = SignedTrustConfiguration.Thumbprint(anchor);
            var rootThumbprint = SignedTrustConfiguration.Thumbprint(root.Certificate);
            if (generated)
            {
                Log.KeysGenerated(logger, instance, anchorThumbprint, rootThumbprint);
            }
            else
            {
                Log.KeysLoaded(logger, instance, anchorThumbprint, rootThumbprint);
            }

            return keys;
        }
        catch
        {
            foreach (var disposable in owned)
            {
                disposable.Dispose();
            }

            throw;
        }
    }

    private static X500DistinguishedName CaName(string instance, string role)
    {
        // The builder encodes the last name added first: C, O, CN in the certificate.
        var name = new X500DistinguishedNameBuilder();
        name.AddCommonName($"Naqil {instance} {role}");
        name.AddOrganizationName($"Naqil {instance}");
        name.AddCountryOrRegion(instance);
        return name.Build();
    }

    private static RegistryCa LoadOrCreateCa(
        string directory, string name, string keyFile, string certificateFile, RegistryCa? issuer, ref bool generated, Func<ECDsa, X509Certificate2> create, string? tokenKey)
    {
        var (key, certificate) = KeyFiles.LoadOrCreatePair(directory, keyFile, certificateFile, ref generated, create, tokenKey);
        if (issuer is not null && !IsIssuedBy(certificate, issuer.Certificate))
        {
            key.Dispose();
            certificate.Dispose();
            throw new InvalidOperationException(
                $"{certificateFile} in '{directory}' was not issued by the root CA in {issuer.CertificateFile}; restore the root the issuing CAs were made with, or remove {keyFile} and {certificateFile} too so a new {name} CA is made under this root.");
        }

        return new RegistryCa(name, certificate, key, Path.GetFullPath(Path.Combine(directory, certificateFile)), issuer);
    }

    /// <summary>Whether <paramref name="issuer"/>'s key signed <paramref name="certificate"/>: a chain to it as the only trust anchor, dates and revocation aside.</summary>
    private static bool IsIssuedBy(X509Certificate2 certificate, X509Certificate2 issuer)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(issuer);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        var built = chain.Build(certificate);
        var elements = chain.ChainElements.Select(e => e.Certificate).ToList();
        try
        {
            return built && elements.Count == 2 && elements[1].RawData.AsSpan().SequenceEqual(issuer.RawData);
        }
        finally
        {
            foreach (var element in elements)
            {
                element.Dispose();
            }
        }
    }

    private static X509Certificate2 CreateAnchor(ECDsa key, string subject, DateTimeOffset now)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        // Signed by the key where it is (a file's, or a token's that cannot be copied into the certificate).
        using var signed = request.Create(request.SubjectName, X509SignatureGenerator.CreateForECDsa(key), now - BackdateBy, now + AnchorValidity, CertificateProfiles.NewSerial());
        return X509CertificateLoader.LoadCertificate(signed.RawData);
    }

    /// <summary>RFC 3161 §2.3: extended key usage id-kp-timeStamping only, critical; issued by the gateway CA.</summary>
    private static X509Certificate2 CreateTsaCertificate(ECDsa key, string subject, RegistryCa gateway, PkiUrls urls, DateTimeOffset now)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        CertificateProfiles.AddEndEntity(request, CertificateKind.Timestamping, gateway, urls);
        var notAfter = CertificateProfiles.Clip(now + AnchorValidity, gateway);
        using var issued = request.Create(gateway.Certificate.SubjectName, gateway.Signer, now - BackdateBy, notAfter, CertificateProfiles.NewSerial());
        return X509CertificateLoader.LoadCertificate(issued.RawData);
    }

    private static T Own<T>(List<IDisposable> owned, T disposable)
        where T : IDisposable
    {
        owned.Add(disposable);
        return disposable;
    }

    private static (ECDsa, X509Certificate2) Own(List<IDisposable> owned, (ECDsa Key, X509Certificate2 Certificate) pair)
    {
        owned.Add(pair.Key);
        owned.Add(pair.Certificate);
        return pair;
    }
}

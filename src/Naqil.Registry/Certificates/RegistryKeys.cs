using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Naqil.Trust;

namespace Naqil.Registry.Certificates;

/// <summary>
/// The registry's two key pairs: the signing key behind the anchor certificate (the root of trust
/// gateways receive out of band) and the sandbox CA's key. Generated on first start (ECDSA P-256)
/// and kept as PEM files in the data directory, private keys readable by the owner only, so a
/// restart keeps the same anchor and CA.
/// </summary>
public sealed class RegistryKeys : IDisposable
{
    internal const string SigningKeyFile = "registry-signing-key.pem";
    internal const string AnchorFile = "registry-anchor.pem";
    internal const string CaKeyFile = "sandbox-ca-key.pem";
    internal const string CaCertificateFile = "sandbox-ca.pem";
    internal const string TsaKeyFile = "sandbox-tsa-key.pem";
    internal const string TsaCertificateFile = "sandbox-tsa.pem";

    // Slack for clocks a little behind the registry's, so a fresh certificate is not "not yet valid".
    internal static readonly TimeSpan BackdateBy = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RootValidity = TimeSpan.FromDays(3652);

    private RegistryKeys(ECDsa signingKey, X509Certificate2 anchor, ECDsa caKey, X509Certificate2 ca, ECDsa tsaKey, X509Certificate2 tsa)
    {
        SigningKey = signingKey;
        AnchorCertificate = anchor;
        CaKey = caKey;
        CaCertificate = ca;
        TsaKey = tsaKey;
        TsaCertificate = tsa;
    }

    /// <summary>The registry's self-signed certificate; its key signs the trust configuration.</summary>
    public X509Certificate2 AnchorCertificate { get; }

    /// <summary>The sandbox CA's self-signed certificate; trusted by default in the trust configuration.</summary>
    public X509Certificate2 CaCertificate { get; }

    internal ECDsa SigningKey { get; }

    internal ECDsa CaKey { get; }

    /// <summary>The sandbox TSA's certificate (RFC 3161 time stamping only), issued by the sandbox CA.</summary>
    public X509Certificate2 TsaCertificate { get; }

    internal ECDsa TsaKey { get; }

    /// <summary>The anchor as PEM, the form handed to gateways and federation partners.</summary>
    public string ExportAnchorPem() => AnchorCertificate.ExportCertificatePem();

    public void Dispose()
    {
        SigningKey.Dispose();
        CaKey.Dispose();
        TsaKey.Dispose();
        AnchorCertificate.Dispose();
        CaCertificate.Dispose();
        TsaCertificate.Dispose();
    }

    internal static RegistryKeys LoadOrCreate(RegistryOptions options, TimeProvider time, ILogger logger)
    {
        var directory = options.DataDirectory;
        EnsureDirectory(directory);
        var generated = false;
        var (signingKey, anchor) = LoadOrCreatePair(directory, SigningKeyFile, AnchorFile, ref generated,
            key => CreateSelfSigned(key, $"CN=Naqil registry {options.Instance}", isCa: false, time));
        try
        {
            var (caKey, ca) = LoadOrCreatePair(directory, CaKeyFile, CaCertificateFile, ref generated,
                key => CreateSelfSigned(key, $"CN=Naqil sandbox CA {options.Instance}", isCa: true, time));
            var (tsaKey, tsa) = LoadOrCreatePair(directory, TsaKeyFile, TsaCertificateFile, ref generated,
                key => CreateTsaCertificate(key, $"CN=Naqil sandbox TSA {options.Instance}", ca, caKey, time));
            var keys = new RegistryKeys(signingKey, anchor, caKey, ca, tsaKey, tsa);
            var anchorThumbprint = SignedTrustConfiguration.Thumbprint(anchor);
            var caThumbprint = SignedTrustConfiguration.Thumbprint(ca);
            if (generated)
            {
                Log.KeysGenerated(logger, options.Instance, anchorThumbprint, caThumbprint);
            }
            else
            {
                Log.KeysLoaded(logger, options.Instance, anchorThumbprint, caThumbprint);
            }

            return keys;
        }
        catch
        {
            signingKey.Dispose();
            anchor.Dispose();
            throw;
        }
    }

    private static (ECDsa Key, X509Certificate2 Certificate) LoadOrCreatePair(
        string directory, string keyFile, string certificateFile, ref bool generated, Func<ECDsa, X509Certificate2> createCertificate)
    {
        var keyPath = Path.Combine(directory, keyFile);
        var certificatePath = Path.Combine(directory, certificateFile);
        var haveKey = File.Exists(keyPath);
        var haveCertificate = File.Exists(certificatePath);
        if (haveKey != haveCertificate)
        {
            // Regenerating silently would change the anchor or CA under every gateway's feet.
            var (present, missing) = haveKey ? (keyFile, certificateFile) : (certificateFile, keyFile);
            throw new InvalidOperationException(
                $"The data directory '{directory}' has {present} but not {missing}; restore {missing}, or remove {present} to generate a new pair (gateways then need the new certificate).");
        }

        var key = ECDsa.Create();
        try
        {
            if (haveKey)
            {
                key.ImportFromPem(File.ReadAllText(keyPath));
                var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));
                using var certificateKey = certificate.GetECDsaPublicKey();
                if (certificateKey is null || !certificateKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
                {
                    certificate.Dispose();
                    throw new InvalidOperationException(
                        $"{certificateFile} in '{directory}' does not belong to the key in {keyFile}; restore the matching pair.");
                }

                return (key, certificate);
            }

            key.GenerateKey(ECCurve.NamedCurves.nistP256);
            var created = createCertificate(key);
            WritePrivate(keyPath, key.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(certificatePath, created.ExportCertificatePem());
            generated = true;
            return (key, created);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static X509Certificate2 CreateSelfSigned(ECDsa key, string subject, bool isCa, TimeProvider time)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(isCa, isCa, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            isCa ? X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign : X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = time.GetUtcNow();
        using var withKey = request.CreateSelfSigned(now - BackdateBy, now + RootValidity);

        // Keep only the public certificate: the key lives in its own object and file.
        return X509CertificateLoader.LoadCertificate(withKey.RawData);
    }

    /// <summary>RFC 3161 §2.3: extended key usage id-kp-timeStamping only, critical; issued by the sandbox CA.</summary>
    private static X509Certificate2 CreateTsaCertificate(ECDsa key, string subject, X509Certificate2 ca, ECDsa caKey, TimeProvider time)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(Naqil.MessageLog.TimestampTokens.TimeStampingOid)], true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = time.GetUtcNow();
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        var notAfter = now + RootValidity < ca.NotAfter ? now + RootValidity : new DateTimeOffset(ca.NotAfter.ToUniversalTime());
        using var issued = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), now - BackdateBy, notAfter, serial);
        return X509CertificateLoader.LoadCertificate(issued.RawData);
    }

    private static void EnsureDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>Writes a private key readable by the owner only (0600), via a temporary file so a crash never leaves half a key.</summary>
    private static void WritePrivate(string path, string pem)
    {
        var temporary = path + ".tmp";
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(pem);
        }

        File.Move(temporary, path, overwrite: false);
    }
}

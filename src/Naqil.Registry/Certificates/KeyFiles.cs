using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Naqil.Keys;

namespace Naqil.Registry.Certificates;

/// <summary>
/// Key pairs kept as PEM files in the data directory: the private key readable by the owner only
/// (0600), written through a temporary file so a crash never leaves half a key, and never
/// regenerated silently when one half of a pair is missing.
/// </summary>
internal static class KeyFiles
{
    /// <summary>
    /// Loads the pair, or creates it with <paramref name="createCertificate"/> when neither file
    /// exists. With <paramref name="tokenKey"/> (a <c>pkcs11:</c> URI) the key is in that token
    /// (generated there when missing) and only the certificate is a file.
    /// </summary>
    public static (ECDsa Key, X509Certificate2 Certificate) LoadOrCreatePair(
        string directory, string keyFile, string certificateFile, ref bool generated, Func<ECDsa, X509Certificate2> createCertificate, string? tokenKey = null) =>
        tokenKey is not null ? LoadOrCreateInToken(directory, keyFile, certificateFile, tokenKey, ref generated, createCertificate)
        : TryLoadPair(directory, keyFile, certificateFile) is { } loaded ? loaded : CreatePair(directory, keyFile, certificateFile, ref generated, createCertificate);

    private static (ECDsa Key, X509Certificate2 Certificate) LoadOrCreateInToken(
        string directory, string keyFile, string certificateFile, string tokenKey, ref bool generated, Func<ECDsa, X509Certificate2> createCertificate)
    {
        if (File.Exists(Path.Combine(directory, keyFile)))
        {
            // Two copies of one role's key, one of them on disk, is what the token is there to prevent.
            throw new InvalidOperationException(
                $"The data directory '{directory}' has {keyFile} but the configuration puts that key in a token ({Pkcs11Uri.Redact(tokenKey)}); remove {keyFile} and {certificateFile} to start this key anew in the token, or drop the setting to keep the file");
        }

        var uri = Pkcs11Uri.Parse(tokenKey);
        var certificatePath = Path.Combine(directory, certificateFile);
        ECDsa key;
        try
        {
            key = Pkcs11ECDsa.Open(uri);
        }
        catch (InvalidOperationException) when (!File.Exists(certificatePath))
        {
            key = Pkcs11KeyAdmin.Generate(uri);
        }

        try
        {
            if (!File.Exists(certificatePath))
            {
                var created = createCertificate(key);
                File.WriteAllText(certificatePath, created.ExportCertificatePem());
                generated = true;
                return (key, created);
            }

            return (key, ReadCertifying(certificatePath, key,
                $"{certificateFile} in '{directory}' does not belong to the key {Pkcs11Uri.Redact(tokenKey)}; restore the matching certificate, or remove it to certify the token's key anew"));
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Loads the pair when both files exist; null when neither does; throws when only one does or they do not match.</summary>
    public static (ECDsa Key, X509Certificate2 Certificate)? TryLoadPair(string directory, string keyFile, string certificateFile)
    {
        var keyPath = Path.Combine(directory, keyFile);
        var certificatePath = Path.Combine(directory, certificateFile);
        var haveKey = File.Exists(keyPath);
        var haveCertificate = File.Exists(certificatePath);
        if (haveKey != haveCertificate)
        {
            // Regenerating silently would change the anchor or a CA under every gateway's feet.
            var (present, missing) = haveKey ? (keyFile, certificateFile) : (certificateFile, keyFile);
            throw new InvalidOperationException(
                $"The data directory '{directory}' has {present} but not {missing}; restore {missing}, or remove {present} to generate a new pair (gateways then need the new certificate).");
        }

        if (!haveKey)
        {
            return null;
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(keyPath));
            return (key, ReadCertifying(certificatePath, key, $"{certificateFile} in '{directory}' does not belong to the key in {keyFile}; restore the matching pair."));
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>The certificate in <paramref name="path"/>, which must certify <paramref name="key"/>; else <paramref name="mismatch"/>.</summary>
    private static X509Certificate2 ReadCertifying(string path, ECDsa key, string mismatch)
    {
        var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(path));
        using var certificateKey = certificate.GetECDsaPublicKey();
        if (certificateKey is null || !certificateKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
        {
            certificate.Dispose();
            throw new InvalidOperationException(mismatch);
        }

        return certificate;
    }

    public static void EnsureDirectory(string directory)
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

    private static (ECDsa Key, X509Certificate2 Certificate) CreatePair(
        string directory, string keyFile, string certificateFile, ref bool generated, Func<ECDsa, X509Certificate2> createCertificate)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        try
        {
            var created = createCertificate(key);
            WritePrivate(Path.Combine(directory, keyFile), key.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(Path.Combine(directory, certificateFile), created.ExportCertificatePem());
            generated = true;
            return (key, created);
        }
        catch
        {
            key.Dispose();
            throw;
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

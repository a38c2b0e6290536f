using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Naqil.Keys;

namespace Naqil.Gateway.Signing;

/// <summary>Reads the gateway's PEM files, with errors that name the file.</summary>
internal static class PemFiles
{
    public static byte[] ReadCertificateDer(string path)
    {
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(path));
            return certificate.RawData;
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"{path} does not hold a PEM certificate: {e.Message}", e);
        }
    }

    /// <summary>The key <paramref name="keyReference"/> names (a file or a <c>pkcs11:</c> URI), checked to be the one <paramref name="certificate"/> certifies.</summary>
    public static ECDsa OpenMatchingKey(X509Certificate2 certificate, string certificatePath, string keyReference)
    {
        var key = SigningKeys.Open(keyReference);
        using var certified = certificate.GetECDsaPublicKey();
        if (certified is null || !certified.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
        {
            key.Dispose();
            throw new InvalidOperationException($"{certificatePath} does not certify the key {(key is Pkcs11ECDsa token ? token.Reference : keyReference)}; give the certificate issued for that key");
        }

        return key;
    }

    /// <summary>The TLS certificate with its key: from a PEM file, or (a <c>pkcs11:</c> URI) through OpenSSL's pkcs11 engine.</summary>
    public static X509Certificate2 ReadTlsCertificate(string certificatePath, string keyReference)
    {
        if (!SigningKeys.IsPkcs11(keyReference))
        {
            return ReadCertificateWithKey(certificatePath, keyReference);
        }

        if (!OperatingSystem.IsLinux())
        {
            throw new InvalidOperationException("a TLS key in a PKCS#11 token (Gateway:TlsKeyFile a pkcs11: URI) needs OpenSSL's pkcs11 engine, which Naqil uses on Linux only; keep the TLS key in a file here");
        }

        using var certificate = X509CertificateLoader.LoadCertificate(ReadCertificateDer(certificatePath));
        return Pkcs11TlsKeys.WithKey(certificate, keyReference);
    }

    /// <summary>A certificate with its ECDSA P-256 private key, usable for TLS and signing.</summary>
    public static X509Certificate2 ReadCertificateWithKey(string certificatePath, string keyPath)
    {
        try
        {
            using var bare = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            if (bare.GetECDsaPublicKey() is not { KeySize: 256 } publicKey)
            {
                throw new InvalidOperationException($"{certificatePath} does not carry an ECDSA P-256 key");
            }

            publicKey.Dispose();
            // Round-trip through PKCS#12 so the key is usable by SslStream on every platform.
            return X509CertificateLoader.LoadPkcs12(bare.Export(X509ContentType.Pkcs12), null);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"{certificatePath} with {keyPath} is not a PEM certificate with its private key: {e.Message}", e);
        }
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Keys;
using Naqil.Trust;

namespace Naqil.Gateway.Signing;

/// <summary>
/// The gateway's own keys: one for mutual TLS, one for message signatures (in a PEM file, or in a
/// PKCS#11 token when <c>Gateway:SigningKeyFile</c> is a <c>pkcs11:</c> URI). Never logged.
/// </summary>
internal sealed class GatewayKeys : IDisposable
{
    public GatewayKeys(IOptions<GatewayOptions> options)
    {
        var o = options.Value;
        if (SigningKeys.IsPkcs11(o.SigningKeyFile))
        {
            // The key stays in its token; the certificate file is only its public half.
            SigningCertificate = X509CertificateLoader.LoadCertificate(PemFiles.ReadCertificateDer(o.SigningCertificateFile));
            SigningKey = PemFiles.OpenMatchingKey(SigningCertificate, o.SigningCertificateFile, o.SigningKeyFile);
        }
        else
        {
            SigningCertificate = PemFiles.ReadCertificateWithKey(o.SigningCertificateFile, o.SigningKeyFile);
            SigningKey = SigningCertificate.GetECDsaPrivateKey()
                ?? throw new InvalidOperationException($"{o.SigningCertificateFile} has no ECDSA private key");
        }

        // After the signing key: when both are in one module, Naqil initialises it and OpenSSL's engine joins.
        TlsCertificate = PemFiles.ReadTlsCertificate(o.TlsCertificateFile, o.TlsKeyFile);
        SigningKeyId = SignedTrustConfiguration.Thumbprint(SigningCertificate);
        TlsThumbprint = SignedTrustConfiguration.Thumbprint(TlsCertificate);
    }

    public X509Certificate2 TlsCertificate { get; }

    public X509Certificate2 SigningCertificate { get; }

    public ECDsa SigningKey { get; }

    /// <summary>The <c>keyid</c> of this gateway's signatures: hex SHA-256 of its signing certificate.</summary>
    public string SigningKeyId { get; }

    public string TlsThumbprint { get; }

    public void Dispose()
    {
        SigningKey.Dispose();
        SigningCertificate.Dispose();
        TlsCertificate.Dispose();
    }
}

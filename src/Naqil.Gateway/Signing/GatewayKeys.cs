using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Trust;

namespace Naqil.Gateway.Signing;

/// <summary>The gateway's own keys: one for mutual TLS, one for message signatures. Never logged.</summary>
internal sealed class GatewayKeys : IDisposable
{
    public GatewayKeys(IOptions<GatewayOptions> options)
    {
        var o = options.Value;
        TlsCertificate = PemFiles.ReadCertificateWithKey(o.TlsCertificateFile, o.TlsKeyFile);
        SigningCertificate = PemFiles.ReadCertificateWithKey(o.SigningCertificateFile, o.SigningKeyFile);
        SigningKey = SigningCertificate.GetECDsaPrivateKey()
            ?? throw new InvalidOperationException($"{o.SigningCertificateFile} has no ECDSA private key");
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

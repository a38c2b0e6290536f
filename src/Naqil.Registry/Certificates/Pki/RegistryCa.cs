using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Naqil.Registry.Certificates.Pki;

/// <summary>
/// One CA of the registry's PKI: its name in URLs and the store (<c>root</c>, <c>gateway</c>,
/// <c>seal</c>), its certificate, the PEM file that holds it, and its key, which never leaves the
/// registry.
/// </summary>
public sealed class RegistryCa : IDisposable
{
    internal RegistryCa(string name, X509Certificate2 certificate, ECDsa key, string certificateFile, RegistryCa? issuer)
    {
        Name = name;
        Certificate = certificate;
        Key = key;
        CertificateFile = certificateFile;
        Issuer = issuer;
    }

    /// <summary>The CA's name: the <c>{ca}</c> of its CRL, OCSP and certificate URLs.</summary>
    public string Name { get; }

    public X509Certificate2 Certificate { get; }

    /// <summary>The PEM file with the CA's certificate in the registry's data directory.</summary>
    public string CertificateFile { get; }

    /// <summary>The CA that certified this one; null for the root.</summary>
    public RegistryCa? Issuer { get; }

    internal ECDsa Key { get; }

    internal X509SignatureGenerator Signer => X509SignatureGenerator.CreateForECDsa(Key);

    /// <summary>The authority key identifier of what this CA signs: its own subject key identifier.</summary>
    internal X509AuthorityKeyIdentifierExtension AuthorityKeyIdentifier =>
        X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false);

    internal DateTimeOffset NotAfter => new(Certificate.NotAfter.ToUniversalTime());

    public void Dispose()
    {
        Key.Dispose();
        Certificate.Dispose();
    }
}

namespace Naqil.Registry.Certificates;

/// <summary>What a certificate issued by the sandbox CA is for.</summary>
public enum CertificateKind
{
    /// <summary>A gateway's mutual-TLS certificate: EKU serverAuth and clientAuth.</summary>
    Tls,

    /// <summary>A gateway's message-signing certificate: key usage digitalSignature, no EKU.</summary>
    Signing,
}

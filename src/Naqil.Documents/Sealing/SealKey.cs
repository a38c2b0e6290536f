using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Naqil.Documents.Sealing;

/// <summary>
/// The seal: a certificate, the chain above it (issuing CA first, the root last), all of which go
/// into the signature, and the ECDSA P-256 private key that signs: <see cref="PrivateKey"/> when
/// given (a key in a PKCS#11 token, which no certificate can carry), else the certificate's own.
/// </summary>
public sealed record SealKey(X509Certificate2 Certificate, IReadOnlyList<X509Certificate2> Chain, ECDsa? PrivateKey = null);

/// <summary>How far the seal goes (ETSI EN 319 142-1 baseline levels).</summary>
public enum PadesLevel
{
    /// <summary>B-B: the CAdES signature alone.</summary>
    BaselineB,

    /// <summary>B-T: with an RFC 3161 signature timestamp.</summary>
    BaselineT,

    /// <summary>B-LT: B-T and a DSS with the certificates and revocation data to validate it later.</summary>
    BaselineLT,

    /// <summary>B-LTA: B-LT and a document timestamp over everything.</summary>
    BaselineLTA,
}

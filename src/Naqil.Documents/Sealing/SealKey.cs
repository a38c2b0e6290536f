using System.Security.Cryptography.X509Certificates;

namespace Naqil.Documents.Sealing;

/// <summary>
/// The seal: a certificate with its ECDSA P-256 private key, and the chain above it (issuing CA
/// first, the root last), all of which go into the signature. The key is used where it is; an
/// HSM-backed key will come in through the same type later.
/// </summary>
public sealed record SealKey(X509Certificate2 Certificate, IReadOnlyList<X509Certificate2> Chain);

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

using System.Diagnostics.CodeAnalysis;

namespace Naqil.Registry.Certificates;

/// <summary>What a certificate issued by the registry's PKI is for (docs/pki.md, "Profiles").</summary>
public enum CertificateKind
{
    /// <summary>A gateway's mutual-TLS certificate from the gateway CA: EKU serverAuth and clientAuth.</summary>
    Tls,

    /// <summary>A gateway's message-signing certificate from the gateway CA: key usage digitalSignature, no EKU.</summary>
    Signing,

    /// <summary>An agency's organisation seal from the seal CA: digitalSignature and nonRepudiation, EKU documentSigning.</summary>
    Seal,

    /// <summary>An issuing CA's certificate from the root; made by the registry itself, never through the admin API.</summary>
    IssuingCa,

    /// <summary>A delegated OCSP responder's certificate (id-kp-OCSPSigning, id-pkix-ocsp-nocheck); made by the registry itself.</summary>
    OcspSigning,

    /// <summary>The sandbox TSA's certificate (id-kp-timeStamping); made by the registry itself.</summary>
    Timestamping,
}

/// <summary>The kinds' names on the wire and in the store.</summary>
public static class CertificateKinds
{
    /// <summary>The kinds the admin API issues from a CSR.</summary>
    public static IReadOnlyList<CertificateKind> Requestable { get; } = [CertificateKind.Tls, CertificateKind.Signing, CertificateKind.Seal];

    public static string Name(CertificateKind kind) => kind switch
    {
        CertificateKind.Tls => "tls",
        CertificateKind.Signing => "signing",
        CertificateKind.Seal => "seal",
        CertificateKind.IssuingCa => "ca",
        CertificateKind.OcspSigning => "ocsp",
        CertificateKind.Timestamping => "tsa",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static bool TryParse(string? name, out CertificateKind kind)
    {
        foreach (var candidate in Enum.GetValues<CertificateKind>())
        {
            if (Name(candidate) == name)
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }

    /// <summary>A kind a CSR can ask for through <c>POST /admin/v1/certificates</c>.</summary>
    public static bool TryParseRequestable(string? name, [NotNullWhen(true)] out CertificateKind? kind)
    {
        kind = TryParse(name, out var parsed) && Requestable.Contains(parsed) ? parsed : null;
        return kind is not null;
    }
}

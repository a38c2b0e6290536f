using System.Security.Cryptography.X509Certificates;

namespace Naqil.Gateway.Signing;

/// <summary>Pinning says whose certificate it is; this says it is not expired nor not yet valid.</summary>
internal static class CertificateValidity
{
    public static bool IsCurrent(X509Certificate certificate, TimeProvider time)
    {
        var now = time.GetUtcNow();
        using var full = new X509Certificate2(certificate);
        return full.NotBefore.ToUniversalTime() <= now.UtcDateTime && now.UtcDateTime <= full.NotAfter.ToUniversalTime();
    }
}

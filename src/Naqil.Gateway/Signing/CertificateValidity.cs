using System.Security.Cryptography.X509Certificates;

namespace Naqil.Gateway.Signing;

/// <summary>Pinning says whose certificate it is; this says it is not expired nor not yet valid.</summary>
internal static class CertificateValidity
{
    public static bool IsCurrent(X509Certificate certificate, TimeProvider time)
    {
        if (certificate is X509Certificate2 full)
        {
            return IsCurrent(full, time);
        }

        using var copy = new X509Certificate2(certificate);
        return IsCurrent(copy, time);
    }

    public static DateTime NotAfterUtc(X509Certificate certificate)
    {
        if (certificate is X509Certificate2 full)
        {
            return full.NotAfter.ToUniversalTime();
        }

        using var copy = new X509Certificate2(certificate);
        return copy.NotAfter.ToUniversalTime();
    }

    /// <summary>Cheap enough per exchange: the certificate keeps its dates once read.</summary>
    public static bool IsCurrent(X509Certificate2 certificate, TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return certificate.NotBefore.ToUniversalTime() <= now && now <= certificate.NotAfter.ToUniversalTime();
    }
}

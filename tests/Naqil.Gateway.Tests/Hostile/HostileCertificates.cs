using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Naqil.Gateway.Tests.Hostile;

public enum CertificateKind
{
    Current,
    Expired,
    NotYetValid,
    SelfSignedUnlisted,
    FromUntrustedCa,
}

/// <summary>TLS client certificates a hostile or misconfigured peer would present, dated against the test's clock.</summary>
internal static class HostileCertificates
{
    public static X509Certificate2 Create(CertificateKind kind, DateTimeOffset now) => kind switch
    {
        CertificateKind.Expired => SelfSigned("expired", now.AddYears(-2), now.AddDays(-1)),
        CertificateKind.NotYetValid => SelfSigned("not yet valid", now.AddDays(1), now.AddYears(1)),
        CertificateKind.FromUntrustedCa => IssuedByUntrustedCa(now),
        _ => SelfSigned(kind.ToString(), now.AddDays(-1), now.AddYears(1)),
    };

    private static CertificateRequest TlsRequest(string name, ECDsa key)
    {
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        return request;
    }

    private static X509Certificate2 SelfSigned(string name, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return TlsRequest(name, key).CreateSelfSigned(notBefore, notAfter);
    }

    private static X509Certificate2 IssuedByUntrustedCa(DateTimeOffset now)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=untrusted CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(2));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var issued = TlsRequest("issued by an untrusted CA", key).Create(ca, now.AddDays(-1), now.AddYears(1), [1, 2, 3, 4]);
        return issued.CopyWithPrivateKey(key);
    }
}

using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using Naqil.Registry.Certificates.Tsa;

namespace Naqil.Registry.Tests.Tsa;

/// <summary>A self-signed TSA at a fixed time, shared by the tests that only read it.</summary>
internal static class TsaFixture
{
    public static readonly DateTimeOffset Now = new(2026, 5, 4, 10, 20, 30, 456, TimeSpan.Zero);

    public static X509Certificate2 CreateCertificate(string name = "CN=Naqil Test TSA") =>
        TimestampAuthorityCertificates.Create(name, new FakeTimeProvider(Now), TimeSpan.FromDays(30));

    public static TimestampAuthority CreateAuthority(X509Certificate2 certificate, TimeProvider? time = null) =>
        new(certificate, certificate.GetECDsaPrivateKey()!, time ?? new FakeTimeProvider(Now));
}

using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Naqil.Registry.Certificates;

namespace Naqil.Registry.Tests.Certificates;

public sealed class CertificateAuthorityTests : IAsyncLifetime
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    private readonly TempDirectory _directory = new();
    private RegistryHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _host = await RegistryHost.StartAsync(_directory.Path);

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task IssueTls_ChainsToTheCa_WithBothEkusAndRequestedPlusLoopbackNames()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=gw1.civreg.sy", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("gw1.civreg.sy");
        names.AddIpAddress(IPAddress.Parse("10.1.2.3"));
        request.CertificateExtensions.Add(names.Build());

        var pem = await IssueAsync(request.CreateSigningRequestPem(), "tls");

        using var certificate = X509Certificate2.CreateFromPem(pem);
        var ca = _host.App.Services.GetRequiredService<RegistryKeys>().GatewayCa.Certificate;
        Assert.True(Chains(certificate, ca), "the TLS certificate does not chain to the gateway CA");
        var ekus = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value);
        Assert.Equal([ServerAuth, ClientAuth], ekus.Order());
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["gw1.civreg.sy", "localhost"], san.EnumerateDnsNames().Order());
        Assert.Equal([IPAddress.Parse("10.1.2.3"), IPAddress.Loopback], san.EnumerateIPAddresses());
        Assert.Equal("CN=gw1.civreg.sy", certificate.Subject);
        Assert.Equal(ca.Subject, certificate.Issuer);
        Assert.False(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(_host.Time.GetUtcNow().AddDays(365).UtcDateTime, certificate.NotAfter.ToUniversalTime());
    }

    [Fact]
    public async Task IssueSigning_HasDigitalSignatureAndNoEku()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var pem = await IssueAsync(new CertificateRequest("CN=gw1 signing", key, HashAlgorithmName.SHA256).CreateSigningRequestPem(), "signing");

        using var certificate = X509Certificate2.CreateFromPem(pem);
        var ca = _host.App.Services.GetRequiredService<RegistryKeys>().GatewayCa.Certificate;
        Assert.True(Chains(certificate, ca));
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, certificate.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
        Assert.Empty(certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>());
        Assert.Empty(certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>());
    }

    [Fact]
    public async Task Issue_SerialsAreRandomAndPositive()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=gw1", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();

        using var first = X509Certificate2.CreateFromPem(await IssueAsync(csr, "tls"));
        using var second = X509Certificate2.CreateFromPem(await IssueAsync(csr, "tls"));

        Assert.NotEqual(first.SerialNumber, second.SerialNumber);
        Assert.Equal(32, first.SerialNumber.Length);
        Assert.True(first.SerialNumberBytes.Span[0] is > 0 and < 0x80, "serial is negative");
    }

    public static TheoryData<string, string> RefusedRequests()
    {
        using var rsa = RSA.Create(2048);
        var rsaCsr = new CertificateRequest("CN=rsa", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem();
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var p384Csr = new CertificateRequest("CN=p384", p384, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = new CertificateRequest("CN=gw1", p256, HashAlgorithmName.SHA256).CreateSigningRequest();

        // Change one byte of the subject ("gw1" → "gw2"): the self-signature no longer verifies.
        var at = der.AsSpan().IndexOf("gw1"u8) + 2;
        der[at] = (byte)'2';
        var tampered = PemEncoding.WriteString("CERTIFICATE REQUEST", der);
        return new()
        {
            { rsaCsr, "RSA" },
            { p384Csr, "ECDSA" },
            { tampered, "self-signature" },
            { "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----", "PKCS#10" },
            { "hello", "PKCS#10" },
            { "", "empty" },
        };
    }

    [Theory]
    [MemberData(nameof(RefusedRequests))]
    public async Task Issue_RefusedRequest_BadCertificateSayingWhy(string csr, string named)
    {
        using var response = await _host.Admin.PostAsJsonAsync("/admin/v1/certificates", new { csr, kind = "tls" }, Ct);

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "bad-certificate");
        Assert.Contains(named, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue_UnknownKind_BadRequest()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=gw1", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();

        using var response = await _host.Admin.PostAsJsonAsync("/admin/v1/certificates", new { csr, kind = "TLS" }, Ct);

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "bad-request");
        Assert.Contains("'tls'", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void InProcess_Issue_SameCaAsTheApi_AndThrowsOnRefusal()
    {
        var authority = _host.App.Services.GetRequiredService<ICertificateAuthority>();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=sandbox", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        using var rsa = RSA.Create(2048);
        var rsaCsr = new CertificateRequest("CN=rsa", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem();

        using var certificate = X509Certificate2.CreateFromPem(authority.Issue(csr, CertificateKind.Signing, TimeSpan.FromDays(30)));

        Assert.True(Chains(certificate, authority.Certificate));
        Assert.Equal(_host.Time.GetUtcNow().AddDays(30).UtcDateTime, certificate.NotAfter.ToUniversalTime());
        Assert.Throws<ArgumentException>(() => authority.Issue(rsaCsr, CertificateKind.Tls));
    }

    private async Task<string> IssueAsync(string csr, string kind)
    {
        using var response = await _host.Admin.PostAsJsonAsync("/admin/v1/certificates", new { csr, kind }, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("certificate").GetString()!;
    }

    /// <summary>Whether <paramref name="certificate"/> chains through <paramref name="ca"/> to the registry's root, the only trust anchor.</summary>
    private bool Chains(X509Certificate2 certificate, X509Certificate2 ca)
    {
        var root = _host.App.Services.GetRequiredService<RegistryKeys>().Root.Certificate;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.ExtraStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = _host.Time.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        return chain.Build(certificate)
            && chain.ChainElements.Count == 3
            && chain.ChainElements[1].Certificate.RawData.AsSpan().SequenceEqual(ca.RawData)
            && chain.ChainElements[2].Certificate.RawData.AsSpan().SequenceEqual(root.RawData);
    }
}

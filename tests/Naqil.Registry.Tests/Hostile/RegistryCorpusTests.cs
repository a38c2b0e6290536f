using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Naqil.Registry.Tests.Hostile;

/// <summary>One registry for the whole corpus, with a member and a subsystem registered; every row must leave it serving and its serial unchanged.</summary>
public sealed class SharedRegistry : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    internal RegistryHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Host = await RegistryHost.StartAsync(_directory.Path);
        await Host.PutMemberAsync();
        using var subsystem = await Host.Admin.PutAsync("/admin/v1/subsystems/SY/GOV/CIVREG/registry", null, TestContext.Current.CancellationToken);
        Assert.True(subsystem.IsSuccessStatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        _directory.Dispose();
    }
}

/// <summary>
/// Hostile input on the registry, public and admin: malformed and huge JSON, wrong content types,
/// path tricks in identifiers, unusable certificates and CSRs. Each is a problem+json refusal (or
/// Kestrel's own bare 400 for bytes it will not parse), the serial does not move, and the registry keeps serving.
/// </summary>
public sealed class RegistryCorpusTests(SharedRegistry registry) : IClassFixture<SharedRegistry>
{
    private const string Auth = "\nAuthorization: Bearer test-admin-token-0123456789";
    private const string Json = Auth + "\nContent-Type: application/json";
    private const string Name = "{\"name\":\"Ministry\"}";

    [Theory]
    // Malformed bodies and wrong content types.
    [InlineData("PUT /admin/v1/members/SY/GOV/MOE HTTP/1.1" + Json, "{\"name\":", 400, "bad-request")]
    [InlineData("PUT /admin/v1/members/SY/GOV/MOE HTTP/1.1" + Json, "\u00FF\u00FE{}", 400, "bad-request")]
    [InlineData("PUT /admin/v1/members/SY/GOV/MOE HTTP/1.1" + Json, "{\"name\":\"\u00FF\"}", 400, "bad-request")]
    [InlineData("PUT /admin/v1/members/SY/GOV/MOE HTTP/1.1" + Json, "{\"name\":\"a\\u0000b\"}", 400, "bad-request")]
    [InlineData("PUT /admin/v1/members/SY/GOV/MOE HTTP/1.1" + Json, "{\"name\":null}", 400, "bad-request")]
    [InlineData("PUT /admin/v1/members/SY/GOV/MOE HTTP/1.1" + Json, "{\"name\":\"Ministry\",\"admin\":true}", 400, "bad-request")]
    [InlineData("PUT /admin/v1/members/SY/GOV/MOE HTTP/1.1" + Json, "[\"Ministry\"]", 400, "bad-request")]
    [InlineData("PUT /admin/v1/members/SY/GOV/MOE HTTP/1.1" + Json, "", 400, "bad-request")]
    [InlineData("PUT /admin/v1/members/SY/GOV/MOE HTTP/1.1" + Auth + "\nContent-Type: text/plain", Name, 400, "bad-request")]
    [InlineData("PUT /admin/v1/members/SY/GOV/MOE HTTP/1.1" + Auth + "\nContent-Type: application/xml", "<name>Ministry</name>", 400, "bad-request")]
    [InlineData("PUT /admin/v1/members/SY/GOV/MOE HTTP/1.1" + Auth, Name, 400, "bad-request")]
    [InlineData("PUT /admin/v1/services/SY/GOV/CIVREG/registry/persons HTTP/1.1" + Json, "{\"personalData\":\"yes\"}", 400, "bad-request")]
    [InlineData("PUT /admin/v1/services/SY/GOV/CIVREG/registry/persons HTTP/1.1" + Json, "{\"personalData\":false,\"openApi\":\"{not json\"}", 400, "bad-request")]
    [InlineData("PUT /admin/v1/gateways/SY/GOV/CIVREG/gw1 HTTP/1.1" + Json, "{\"address\":\"https://user:pw@gw.example\",\"tlsCertificate\":\"x\",\"signingCertificate\":\"x\"}", 400, "bad-request")]
    [InlineData("PUT /admin/v1/gateways/SY/GOV/CIVREG/gw1 HTTP/1.1" + Json, "{\"address\":\"file:///etc/passwd\",\"tlsCertificate\":\"x\",\"signingCertificate\":\"x\"}", 400, "bad-request")]
    [InlineData("PUT /admin/v1/partners/IQ HTTP/1.1" + Json, "{\"anchor\":\"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\",\"configUrl\":\"https://iq.example/trust/v1/config\"}", 400, "bad-certificate")]
    [InlineData("PUT /admin/v1/partners/IQ HTTP/1.1" + Json, "{\"anchor\":\"x\",\"configUrl\":\"javascript:alert(1)\"}", 400, "bad-request")]
    // CSRs.
    [InlineData("POST /admin/v1/certificates HTTP/1.1" + Json, "{\"csr\":\"-----BEGIN CERTIFICATE REQUEST-----\\nAAAA\\n-----END CERTIFICATE REQUEST-----\",\"kind\":\"tls\"}", 400, "bad-certificate")]
    [InlineData("POST /admin/v1/certificates HTTP/1.1" + Json, "{\"csr\":\"\",\"kind\":\"tls\"}", 400, "bad-certificate")]
    [InlineData("POST /admin/v1/certificates HTTP/1.1" + Json, "{\"csr\":\"-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----\",\"kind\":\"tls\"}", 400, "bad-certificate")]
    // Identifiers with path tricks and look-alikes.
    [InlineData("PUT /admin/v1/members/SY/GOV/MO%2FE HTTP/1.1" + Json, Name, 400, "bad-identifier")]
    [InlineData("PUT /admin/v1/members/SY/GOV/MO%D1%80E HTTP/1.1" + Json, Name, 400, "bad-identifier")]
    [InlineData("PUT /admin/v1/members/SY/GOV/MO%EF%BC%8FE HTTP/1.1" + Json, Name, 400, "bad-identifier")]
    // Kestrel decodes %2e and removes the dot segment: the route no longer matches.
    [InlineData("PUT /admin/v1/members/SY/GOV/%2e%2e HTTP/1.1" + Json, Name, 404, "not-found")]
    [InlineData("PUT /admin/v1/members/SY/GOV/... HTTP/1.1" + Json, Name, 400, "bad-identifier")]
    [InlineData("PUT /admin/v1/members/SY/GOV/MO%FFE HTTP/1.1" + Json, Name, 400, "bad-identifier")]
    [InlineData("PUT /admin/v1/members/SY/GOV/MO\u00D1\u0080E HTTP/1.1" + Json, Name, 400, "kestrel")]
    [InlineData("PUT /admin/v1/members/SY/GOV/MOE%00 HTTP/1.1" + Json, Name, 400, "kestrel")]
    [InlineData("PUT /admin/v1/members/IQ/GOV/MOE HTTP/1.1" + Json, Name, 400, "bad-identifier")]
    [InlineData("PUT /admin/v1/members/SY/gov/MOE HTTP/1.1" + Json, Name, 400, "bad-identifier")]
    [InlineData("PUT /admin/v1/members/SY/GOV/" + "MMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMM" + " HTTP/1.1" + Json, Name, 400, "bad-identifier")]
    [InlineData("PUT /admin/v1/subsystems/SY/GOV/CIVREG/..%2F..%2Fx HTTP/1.1" + Auth, null, 400, "bad-identifier")]
    [InlineData("PUT /admin/v1/partners/SY HTTP/1.1" + Json, "{\"anchor\":\"x\",\"configUrl\":\"https://sy.example/trust/v1/config\"}", 400, "bad-identifier")]
    [InlineData("PUT /admin/v1/partners/%D0%86Q HTTP/1.1" + Json, "{\"anchor\":\"x\",\"configUrl\":\"https://iq.example/trust/v1/config\"}", 400, "bad-identifier")]
    [InlineData("DELETE /admin/v1/members/SY/GOV/CIVREG%2F..%2F.. HTTP/1.1" + Auth, null, 400, "bad-identifier")]
    // Tokens and public endpoints.
    [InlineData("PUT /admin/v1/members/SY/GOV/MOE HTTP/1.1\nAuthorization: Bearer test-admin-token-0123456789\u00D1\u0080\nContent-Type: application/json", Name, 401, "unauthorized")]
    [InlineData("PUT /admin/v1/members/SY/GOV/MOE HTTP/1.1\nAuthorization: Bearer test-admin-token-0123456789\u00FF\nContent-Type: application/json", Name, 400, "kestrel")]
    [InlineData("PUT /admin/v1/members/SY/GOV/MOE HTTP/1.1\nAuthorization: Bearer test-admin-token-0123456789\nAuthorization: Bearer x\nContent-Type: application/json", Name, 401, "unauthorized")]
    [InlineData("POST /trust/v1/config HTTP/1.1" + Json, "{}", 404, "not-found")]
    // Kestrel decodes %2e and removes dot segments before routing: this lands on the admin API, which still wants the token.
    [InlineData("GET /trust/v1/%2e%2e/%2e%2e/admin/v1/members HTTP/1.1", null, 401, "unauthorized")]
    [InlineData("GET /trust/v1/config/..%2F..%2Fadmin HTTP/1.1", null, 404, "not-found")]
    [InlineData("GET /trust/v1/anchor.pem HTTP/1.1", null, 404, "not-found")]
    public async Task HostileRequest_Refused_SerialUnchanged_KeepsServing(string head, string? body, int status, string code)
    {
        var host = registry.Host;
        var serial = await host.SerialAsync();
        var members = await MembersAsync();

        var (actual, responseHead, responseBody) = await RawRegistryHttp.SendAsync(host.Anonymous.BaseAddress!, head, body);

        Assert.True(actual == status, $"expected {status} {code}, got {actual}: {responseHead}\n\n{responseBody}");
        if (code == "kestrel")
        {
            Assert.Null(RawRegistryHttp.Header(responseHead, "Naqil-Error"));
        }
        else if (code.Length > 0)
        {
            Assert.Equal("application/problem+json", RawRegistryHttp.Header(responseHead, "Content-Type")?.Split(';')[0]);
            Assert.Equal(code, RawRegistryHttp.Header(responseHead, "Naqil-Error"));
            Assert.Equal(code, JsonDocument.Parse(responseBody).RootElement.GetProperty("code").GetString());
        }

        Assert.Equal(serial, await host.SerialAsync());
        Assert.Equal(members, await MembersAsync());
    }

    [Theory]
    [InlineData(64 * 1024 * 1024)]
    [InlineData(2 * 1024 * 1024)]
    public async Task HugeJson_Refused_SerialUnchanged(int size)
    {
        var host = registry.Host;
        var serial = await host.SerialAsync();

        var (status, head, body) = await RawRegistryHttp.SendAsync(host.Anonymous.BaseAddress!, "PUT /admin/v1/members/SY/GOV/MOE HTTP/1.1" + Json, "{\"name\":\"" + new string('a', size) + "\"}");

        Assert.True(status is 400 or 413, $"got {status}: {head}\n\n{body}");
        Assert.Equal(serial, await host.SerialAsync());
    }

    [Fact]
    public async Task DeeplyNestedJson_RefusedAsBadRequest_SerialUnchanged()
    {
        var host = registry.Host;
        var serial = await host.SerialAsync();

        var (status, head, _) = await RawRegistryHttp.SendAsync(host.Anonymous.BaseAddress!, "PUT /admin/v1/members/SY/GOV/MOE HTTP/1.1" + Json, "{\"name\":" + new string('[', 10_000) + new string(']', 10_000) + "}");

        Assert.Equal(400, status);
        Assert.Equal("bad-request", RawRegistryHttp.Header(head, "Naqil-Error"));
        Assert.Equal(serial, await host.SerialAsync());
    }

    public enum BadCertificate
    {
        Expired,
        NotYetValid,
        Rsa,
        P384,
        WithPrivateKey,
        TwoCertificates,
    }

    [Theory]
    [InlineData(BadCertificate.Expired)]
    [InlineData(BadCertificate.NotYetValid)]
    [InlineData(BadCertificate.Rsa)]
    [InlineData(BadCertificate.P384)]
    [InlineData(BadCertificate.WithPrivateKey)]
    [InlineData(BadCertificate.TwoCertificates)]
    public async Task PutGateway_UnusableCertificate_RefusedAsBadCertificate_NothingStored(BadCertificate kind)
    {
        var host = registry.Host;
        var serial = await host.SerialAsync();
        var good = await host.IssueAsync("signing");
        var bad = Pem(kind, host.Time.GetUtcNow());

        using var response = await host.PutAsync("/admin/v1/gateways/SY/GOV/CIVREG/gw9", new { address = "https://127.0.0.1:8443", tlsCertificate = bad, signingCertificate = good });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "bad-certificate");
        Assert.Equal(serial, await host.SerialAsync());
        var gateways = await host.Admin.GetStringAsync("/admin/v1/gateways", TestContext.Current.CancellationToken);
        Assert.DoesNotContain("gw9", gateways, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IssueCertificate_CsrWithP384KeyOrBadSignature_RefusedAsBadCertificate()
    {
        var host = registry.Host;
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var csr384 = new CertificateRequest("CN=gw", p384, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = new CertificateRequest("CN=gw", p256, HashAlgorithmName.SHA256).CreateSigningRequest();
        der[^5] ^= 0x01; // inside the signature: the CSR no longer proves possession of the key
        var tampered = PemEncoding.WriteString("CERTIFICATE REQUEST", der);

        foreach (var csr in new[] { csr384, tampered })
        {
            using var response = await host.Admin.PostAsync("/admin/v1/certificates", JsonContent(new { csr, kind = "tls" }), TestContext.Current.CancellationToken);
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "bad-certificate");
        }

        using var wrongKind = await host.Admin.PostAsync("/admin/v1/certificates", JsonContent(new { csr = new CertificateRequest("CN=gw", p256, HashAlgorithmName.SHA256).CreateSigningRequestPem(), kind = "root-ca" }), TestContext.Current.CancellationToken);
        await ProblemAssert.IsProblemAsync(wrongKind, HttpStatusCode.BadRequest, "bad-request");
    }

    private static System.Net.Http.Json.JsonContent JsonContent(object value) => System.Net.Http.Json.JsonContent.Create(value);

    private async Task<string> MembersAsync() =>
        await registry.Host.Admin.GetStringAsync("/admin/v1/members", TestContext.Current.CancellationToken);

    private static string Pem(BadCertificate kind, DateTimeOffset now)
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=gw9", ec, HashAlgorithmName.SHA256);
        switch (kind)
        {
            case BadCertificate.Expired:
                using (var c = request.CreateSelfSigned(now.AddYears(-2), now.AddDays(-1)))
                {
                    return c.ExportCertificatePem();
                }

            case BadCertificate.NotYetValid:
                using (var c = request.CreateSelfSigned(now.AddDays(1), now.AddYears(1)))
                {
                    return c.ExportCertificatePem();
                }

            case BadCertificate.Rsa:
                using (var rsa = RSA.Create(2048))
                using (var c = new CertificateRequest("CN=gw9", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSelfSigned(now.AddDays(-1), now.AddYears(1)))
                {
                    return c.ExportCertificatePem();
                }

            case BadCertificate.P384:
                using (var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384))
                using (var c = new CertificateRequest("CN=gw9", p384, HashAlgorithmName.SHA384).CreateSelfSigned(now.AddDays(-1), now.AddYears(1)))
                {
                    return c.ExportCertificatePem();
                }

            case BadCertificate.WithPrivateKey:
                using (var c = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1)))
                {
                    return c.ExportCertificatePem() + "\n" + ec.ExportPkcs8PrivateKeyPem();
                }

            default:
                using (var c = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1)))
                {
                    return c.ExportCertificatePem() + "\n" + c.ExportCertificatePem();
                }
        }
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Naqil.Registry.Tests.Apis;

public sealed class AdminApiTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private RegistryHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _host = await RegistryHost.StartAsync(_directory.Path);

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _directory.Dispose();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token-0123456789")]
    [InlineData("Bearer test-admin-token-012345678")]
    [InlineData("Basic dGVzdC1hZG1pbi10b2tlbi0wMTIzNDU2Nzg5")]
    [InlineData("test-admin-token-0123456789")]
    public async Task AdminCall_WithoutTheToken_Returns401AndChangesNothing(string? authorization)
    {
        var serial = await _host.SerialAsync();
        using var request = new HttpRequestMessage(HttpMethod.Put, "/admin/v1/members/SY/GOV/CIVREG")
        {
            Content = JsonContent.Create(new { name = "Civil registry" }),
        };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await _host.Anonymous.SendAsync(request, Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        var members = await _host.Admin.GetFromJsonAsync<JsonElement>("/admin/v1/members", Ct);
        Assert.Equal(0, members.GetProperty("members").GetArrayLength());
        Assert.Equal(serial, await _host.SerialAsync());
    }

    [Theory]
    [InlineData("GET", "/admin/v1/members")]
    [InlineData("GET", "/admin/v1/gateways")]
    [InlineData("DELETE", "/admin/v1/members/SY/GOV/CIVREG")]
    [InlineData("POST", "/admin/v1/certificates")]
    [InlineData("GET", "/admin/v1/certificates")]
    [InlineData("GET", "/admin/v1/certificates/gateway/0A")]
    [InlineData("POST", "/admin/v1/certificates/gateway/0A/revoke")]
    public async Task EveryAdminEndpoint_WithoutToken_Returns401(string method, string path)
    {
        await _host.PutMemberAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) };

        using var response = await _host.Anonymous.SendAsync(request, Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        var members = await _host.Admin.GetFromJsonAsync<JsonElement>("/admin/v1/members", Ct);
        Assert.Equal(1, members.GetProperty("members").GetArrayLength());
    }

    [Fact]
    public async Task Put_NewThenSame_CreatesThenReturnsOkWithoutBumpingSerial()
    {
        var before = await _host.SerialAsync();
        using var created = await _host.PutAsync("/admin/v1/members/SY/GOV/CIVREG", new { name = "Civil registry" });
        var afterCreate = await _host.SerialAsync();
        using var same = await _host.PutAsync("/admin/v1/members/SY/GOV/CIVREG", new { name = "Civil registry" });
        var afterSame = await _host.SerialAsync();
        using var renamed = await _host.PutAsync("/admin/v1/members/SY/GOV/CIVREG", new { name = "Civil Registry Directorate" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/admin/v1/members/SY/GOV/CIVREG", created.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal(before + 1, afterCreate);
        Assert.Equal(afterCreate, afterSame);
        Assert.Equal(afterSame + 1, await _host.SerialAsync());
        Assert.Equal("Civil Registry Directorate", (await _host.ConfigurationAsync()).Members.Single().Name);
    }

    [Fact]
    public async Task Crud_MemberSubsystemServiceGateway_ReflectedInSignedConfiguration()
    {
        var tls = await _host.IssueAsync("tls");
        var signing = await _host.IssueAsync("signing");
        var serials = new List<long> { await _host.SerialAsync() };
        async Task Step(Task<HttpResponseMessage> call)
        {
            using var response = await call;
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
            serials.Add(await _host.SerialAsync());
        }

        await Step(_host.PutAsync("/admin/v1/members/SY/GOV/CIVREG", new { name = "Civil registry" }));
        await Step(_host.PutAsync("/admin/v1/members/SY/GOV/MOCT", new { name = "Ministry of communications" }));
        await Step(_host.PutAsync("/admin/v1/subsystems/SY/GOV/CIVREG/registry", new { }));
        await Step(_host.PutAsync("/admin/v1/services/SY/GOV/CIVREG/registry/persons",
            new { personalData = true, description = "Persons by national id", openApi = """{"openapi":"3.1.0"}""" }));
        await Step(_host.PutAsync("/admin/v1/gateways/SY/GOV/CIVREG/gw1",
            new { address = "https://127.0.0.1:5001", tlsCertificate = tls, signingCertificate = signing }));

        var configuration = await _host.ConfigurationAsync();
        Assert.Equal("SY", configuration.Instance);
        Assert.Equal(serials[^1], configuration.Serial);
        Assert.Equal(["SY/GOV/CIVREG", "SY/GOV/MOCT"], configuration.Members.Select(m => m.Id));
        Assert.Equal("SY/GOV/CIVREG/registry", configuration.Subsystems.Single().Id);
        var service = configuration.Services.Single();
        Assert.Equal(("SY/GOV/CIVREG/registry/persons", true, "Persons by national id", """{"openapi":"3.1.0"}"""),
            (service.Id, service.PersonalData, service.Description, service.OpenApi));
        var gateway = configuration.Gateways.Single();
        Assert.Equal(("SY/GOV/CIVREG", "gw1", "https://127.0.0.1:5001"), (gateway.Member, gateway.Code, gateway.Address));
        using var tlsCertificate = X509Certificate2.CreateFromPem(tls);
        Assert.Equal(tlsCertificate.RawData, gateway.TlsCertificate);
        foreach (var file in new[] { "root-ca.pem", "gateway-ca.pem", "seal-ca.pem" })
        {
            using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(_directory.Path, file), Ct));
            Assert.Contains(Convert.ToBase64String(ca.RawData), configuration.TrustedCas);
        }


        // Removing the member revokes everything hanging from it within one configuration.
        await Step(_host.Admin.DeleteAsync("/admin/v1/members/SY/GOV/CIVREG", Ct));
        configuration = await _host.ConfigurationAsync();
        Assert.Equal("SY/GOV/MOCT", configuration.Members.Single().Id);
        Assert.Empty(configuration.Subsystems);
        Assert.Empty(configuration.Services);
        Assert.Empty(configuration.Gateways);

        for (var i = 1; i < serials.Count; i++)
        {
            Assert.Equal(serials[i - 1] + 1, serials[i]);
        }
    }

    [Fact]
    public async Task Lists_ShowWhatWasRegistered()
    {
        await _host.PutMemberAsync();
        (await _host.PutAsync("/admin/v1/subsystems/SY/GOV/CIVREG/registry", new { })).Dispose();
        (await _host.PutAsync("/admin/v1/services/SY/GOV/CIVREG/registry/persons", new { personalData = false })).Dispose();

        var members = await _host.Admin.GetFromJsonAsync<JsonElement>("/admin/v1/members", Ct);
        var services = await _host.Admin.GetFromJsonAsync<JsonElement>("/admin/v1/services", Ct);

        var member = members.GetProperty("members").EnumerateArray().Single();
        Assert.Equal("SY/GOV/CIVREG", member.GetProperty("id").GetString());
        Assert.Equal("SY/GOV/CIVREG/registry", member.GetProperty("subsystems").EnumerateArray().Single().GetString());
        Assert.Equal(await _host.SerialAsync(), members.GetProperty("serial").GetInt64());
        var service = services.GetProperty("services").EnumerateArray().Single();
        Assert.Equal("SY/GOV/CIVREG/registry/persons", service.GetProperty("id").GetString());
        Assert.False(service.GetProperty("personalData").GetBoolean());
    }

    [Fact]
    public async Task DeleteSubsystem_RemovesItsServices()
    {
        await _host.PutMemberAsync();
        (await _host.PutAsync("/admin/v1/subsystems/SY/GOV/CIVREG/registry", new { })).Dispose();
        (await _host.PutAsync("/admin/v1/services/SY/GOV/CIVREG/registry/persons", new { personalData = true })).Dispose();

        using var deleted = await _host.Admin.DeleteAsync("/admin/v1/subsystems/SY/GOV/CIVREG/registry", Ct);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var configuration = await _host.ConfigurationAsync();
        Assert.Empty(configuration.Subsystems);
        Assert.Empty(configuration.Services);
        Assert.Single(configuration.Members);
    }

    [Theory]
    [InlineData("/admin/v1/subsystems/SY/GOV/NOBODY/portal", "{}", "member SY/GOV/NOBODY")]
    [InlineData("/admin/v1/services/SY/GOV/CIVREG/nosystem/persons", """{"personalData":true}""", "subsystem SY/GOV/CIVREG/nosystem")]
    public async Task Put_WithoutParent_ConflictNamingTheParent(string path, string body, string named)
    {
        await _host.PutMemberAsync();
        var serial = await _host.SerialAsync();

        using var response = await _host.Admin.PutAsync(path, new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict, "conflict");
        Assert.Contains(named, detail, StringComparison.Ordinal);
        Assert.Equal(serial, await _host.SerialAsync());
    }

    [Theory]
    [InlineData("/admin/v1/members/SY/GOV/NOBODY")]
    [InlineData("/admin/v1/subsystems/SY/GOV/CIVREG/none")]
    [InlineData("/admin/v1/services/SY/GOV/CIVREG/none/none")]
    [InlineData("/admin/v1/gateways/SY/GOV/CIVREG/gw9")]
    [InlineData("/admin/v1/partners/IQ")]
    public async Task Delete_Missing_NotFound(string path)
    {
        await _host.PutMemberAsync();

        using var response = await _host.Admin.DeleteAsync(path, Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "not-found");
    }

    public static TheoryData<string, string> BadIdentifiers => new()
    {
        { "/admin/v1/members/SY/GOV/...", "member code segment '...'" },
        { "/admin/v1/members/SY/XXX/A", "member class segment 'XXX'" },
        { $"/admin/v1/members/SY/GOV/{new string('A', 65)}", "65 characters" },
        { "/admin/v1/members/IQ/GOV/MOI", "instance segment 'IQ'" },
        { "/admin/v1/members/sy/GOV/MOI", "instance segment 'sy'" },
        { "/admin/v1/members/SY/GOV/C%20R", "contains ' '" },
        { "/admin/v1/subsystems/SY/GOV/CIVREG/por%24tal", "subsystem segment 'por$tal'" },
        { "/admin/v1/services/SY/GOV/CIVREG/registry/per~sons", "service segment 'per~sons'" },
        { "/admin/v1/gateways/SY/GOV/CIVREG/gw%2A", "gateway code segment 'gw*'" },
        { "/admin/v1/partners/SY", "own instance" },
        { "/admin/v1/partners/Iraq", "instance segment 'Iraq'" },
    };

    [Theory]
    [MemberData(nameof(BadIdentifiers))]
    public async Task Put_BadIdentifierInRoute_BadIdentifierNamingTheSegment(string path, string named)
    {
        var serial = await _host.SerialAsync();

        using var response = await _host.Admin.PutAsync(path, new StringContent("{}", Encoding.UTF8, "application/json"), Ct);

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "bad-identifier");
        Assert.Contains(named, detail, StringComparison.Ordinal);
        Assert.Equal(serial, await _host.SerialAsync());
    }

    [Fact]
    public async Task Put_DotDotSegment_NeverReachesTheStore()
    {
        // HttpClient and Kestrel both resolve '..' before routing, so such a request can only
        // land on another route (here none); what matters is that nothing is registered.
        using var request = new HttpRequestMessage(HttpMethod.Put, "/admin/v1/members/SY/GOV/%2E%2E")
        {
            Content = JsonContent.Create(new { name = "x" }),
        };

        using var response = await _host.Admin.SendAsync(request, Ct);

        Assert.False(response.IsSuccessStatusCode);
        var members = await _host.Admin.GetFromJsonAsync<JsonElement>("/admin/v1/members", Ct);
        Assert.Equal(0, members.GetProperty("members").GetArrayLength());
    }

    [Theory]
    [InlineData("/admin/v1/members/SY/GOV/CIVREG", "{", "application/json")]
    [InlineData("/admin/v1/members/SY/GOV/CIVREG", "null", "application/json")]
    [InlineData("/admin/v1/members/SY/GOV/CIVREG", "[]", "application/json")]
    [InlineData("/admin/v1/members/SY/GOV/CIVREG", "{}", "application/json")]
    [InlineData("/admin/v1/members/SY/GOV/CIVREG", """{"name":null}""", "application/json")]
    [InlineData("/admin/v1/members/SY/GOV/CIVREG", """{"name":"  "}""", "application/json")]
    [InlineData("/admin/v1/members/SY/GOV/CIVREG", """{"name":"x","nmae":"y"}""", "application/json")]
    [InlineData("/admin/v1/members/SY/GOV/CIVREG", """{"name":"x"}""", "text/plain")]
    [InlineData("/admin/v1/services/SY/GOV/CIVREG/registry/persons", """{"description":"no flag"}""", "application/json")]
    [InlineData("/admin/v1/services/SY/GOV/CIVREG/registry/persons", """{"personalData":"yes"}""", "application/json")]
    [InlineData("/admin/v1/services/SY/GOV/CIVREG/registry/persons", """{"personalData":true,"openApi":"{not json"}""", "application/json")]
    [InlineData("/admin/v1/gateways/SY/GOV/CIVREG/gw1", """{"address":"http://127.0.0.1:5001","tlsCertificate":"x","signingCertificate":"y"}""", "application/json")]
    [InlineData("/admin/v1/gateways/SY/GOV/CIVREG/gw1", """{"address":"/relative","tlsCertificate":"x","signingCertificate":"y"}""", "application/json")]
    [InlineData("/admin/v1/partners/IQ", """{"anchor":"x","configUrl":"ftp://iq.example/config"}""", "application/json")]
    public async Task Put_MalformedBody_BadRequest(string path, string body, string contentType)
    {
        await _host.PutMemberAsync();
        (await _host.PutAsync("/admin/v1/subsystems/SY/GOV/CIVREG/registry", new { })).Dispose();
        var serial = await _host.SerialAsync();

        using var response = await _host.Admin.PutAsync(path, new StringContent(body, Encoding.UTF8, contentType), Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "bad-request");
        Assert.Equal(serial, await _host.SerialAsync());
    }

    [Fact]
    public async Task Put_MissingRequiredMember_DetailNamesIt()
    {
        using var response = await _host.Admin.PutAsync("/admin/v1/members/SY/GOV/CIVREG", new StringContent("{}", Encoding.UTF8, "application/json"), Ct);

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "bad-request");
        Assert.Contains("'name'", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Naqil.Registry", detail, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BadGatewayCertificates()
    {
        using var rsa = RSA.Create(2048);
        var rsaPem = new CertificateRequest("CN=rsa", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddYears(-1), DateTimeOffset.UtcNow.AddYears(5)).ExportCertificatePem();
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var p384Pem = new CertificateRequest("CN=p384", p384, HashAlgorithmName.SHA384)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddYears(-1), DateTimeOffset.UtcNow.AddYears(5)).ExportCertificatePem();
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var expiredPem = new CertificateRequest("CN=old", p256, HashAlgorithmName.SHA256)
            .CreateSelfSigned(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero)).ExportCertificatePem();
        return new()
        {
            { rsaPem, "RSA" },
            { p384Pem, "ECDSA" },
            { expiredPem, "valid from" },
            { "not a certificate", "not a PEM certificate" },
            { "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", "not a valid X.509" },
            { p256.ExportPkcs8PrivateKeyPem(), "private key" },
        };
    }

    [Theory]
    [MemberData(nameof(BadGatewayCertificates))]
    public async Task PutGateway_BadCertificate_RefusedNamingTheProblem(string tlsCertificate, string named)
    {
        await _host.PutMemberAsync();
        var signing = await _host.IssueAsync("signing");
        var serial = await _host.SerialAsync();

        using var response = await _host.PutAsync("/admin/v1/gateways/SY/GOV/CIVREG/gw1",
            new { address = "https://127.0.0.1:5001", tlsCertificate, signingCertificate = signing });

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "bad-certificate");
        Assert.Contains("tlsCertificate", detail, StringComparison.Ordinal);
        Assert.Contains(named, detail, StringComparison.Ordinal);
        Assert.Equal(serial, await _host.SerialAsync());
    }

    [Fact]
    public async Task Gateways_ListShowsSigningKeyId()
    {
        await _host.PutMemberAsync();
        var tls = await _host.IssueAsync("tls");
        var signing = await _host.IssueAsync("signing");
        (await _host.PutAsync("/admin/v1/gateways/SY/GOV/CIVREG/gw1", new { address = "https://127.0.0.1:5001", tlsCertificate = tls, signingCertificate = signing })).Dispose();

        var list = await _host.Admin.GetFromJsonAsync<JsonElement>("/admin/v1/gateways", Ct);

        var gateway = list.GetProperty("gateways").EnumerateArray().Single();
        using var signingCertificate = X509Certificate2.CreateFromPem(signing);
        Assert.Equal(Naqil.Trust.SignedTrustConfiguration.Thumbprint(signingCertificate), gateway.GetProperty("signingKeyId").GetString());
        Assert.Equal(signing.Trim(), gateway.GetProperty("signingCertificate").GetString()!.Trim());
    }

    [Fact]
    public async Task Partners_Crud_ReflectedInSignedConfiguration()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var anchor = new CertificateRequest("CN=Naqil registry IQ", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(_host.Time.GetUtcNow().AddDays(-1), _host.Time.GetUtcNow().AddYears(10));

        using var put = await _host.PutAsync("/admin/v1/partners/IQ", new { anchor = anchor.ExportCertificatePem(), configUrl = "https://registry.iq.example/trust/v1/config" });
        var partners = await _host.Admin.GetFromJsonAsync<JsonElement>("/admin/v1/partners", Ct);
        var configuration = await _host.ConfigurationAsync();

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal("IQ", partners.GetProperty("partners").EnumerateArray().Single().GetProperty("instance").GetString());
        var partner = configuration.Partners.Single();
        Assert.Equal(("IQ", Convert.ToBase64String(anchor.RawData), "https://registry.iq.example/trust/v1/config"), (partner.Instance, partner.Anchor, partner.ConfigUrl));

        using var deleted = await _host.Admin.DeleteAsync("/admin/v1/partners/IQ", Ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty((await _host.ConfigurationAsync()).Partners);
    }

    [Fact]
    public async Task Authorization_SchemeIsCaseInsensitive()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/v1/members");
        request.Headers.Authorization = new AuthenticationHeaderValue("bearer", RegistryHost.AdminToken);

        using var response = await _host.Anonymous.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/nothing-here")]
    [InlineData("POST", "/admin/v1/members")]
    [InlineData("GET", "/admin/v1/members/SY/GOV/..")]
    public async Task UnknownEndpoint_AnsweredWithProblem_NothingStored(string method, string path)
    {
        var serial = await _host.SerialAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        using var response = await _host.Admin.SendAsync(request, Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "not-found");
        Assert.Equal(serial, await _host.SerialAsync());
    }
}

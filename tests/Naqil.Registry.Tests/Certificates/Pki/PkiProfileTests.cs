using System.Formats.Asn1;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Naqil.Registry.Certificates;
using Naqil.Registry.Certificates.Pki;

namespace Naqil.Registry.Tests.Certificates.Pki;

/// <summary>The hierarchy and each kind's profile, read back from the certificates the registry hands out.</summary>
public sealed class PkiProfileTests : IAsyncLifetime
{
    private const string PublicUrl = "https://registry.sy.test";
    private const string Arc = "2.25.289292097712234240489275948533368024280";
    private const string NoCheck = "1.3.6.1.5.5.7.48.1.5";
    private const string PoliciesOid = "2.5.29.32";
    private const string CrlDistributionPointsOid = "2.5.29.31";

    private readonly TempDirectory _directory = new();
    private RegistryHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private RegistryKeys Keys => _host.App.Services.GetRequiredService<RegistryKeys>();

    public async ValueTask InitializeAsync() => _host = await RegistryHost.StartAsync(_directory.Path, publicUrl: PublicUrl + "/");

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public void Root_SelfSigned_CaWithPathLengthOne_CertifiesAndSignsCrlsOnly()
    {
        var root = Keys.Root.Certificate;

        Assert.Equal("CN=Naqil SY Root CA, O=Naqil SY, C=SY", root.Subject);
        Assert.Equal(root.Subject, root.Issuer);
        var constraints = root.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.Equal((true, true, 1, true), (constraints.CertificateAuthority, constraints.HasPathLengthConstraint, constraints.PathLengthConstraint, constraints.Critical));
        AssertKeyUsage(root, X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign);
        Assert.Single(root.Extensions.OfType<X509SubjectKeyIdentifierExtension>());
        Assert.Empty(root.Extensions.OfType<X509AuthorityInformationAccessExtension>());
        Assert.Equal(_host.Time.GetUtcNow().AddDays(7305).UtcDateTime, root.NotAfter.ToUniversalTime());
    }

    [Theory]
    [InlineData("gateway", "CN=Naqil SY Gateway CA, O=Naqil SY, C=SY", new[] { ".1.1", ".1.2", ".1.4" })]
    [InlineData("seal", "CN=Naqil SY Seal CA, O=Naqil SY, C=SY", new[] { ".1.3" })]
    public void IssuingCa_UnderTheRoot_PathLengthZero_PoliciesOfItsKinds_RootsCrlAndAia(string name, string subject, string[] policies)
    {
        var ca = _host.App.Services.GetRequiredService<RegistryPki>().Find(name)!.Certificate;

        Assert.Equal(subject, ca.Subject);
        Assert.True(Chain(ca, out var elements), "the issuing CA does not chain to the root");
        Assert.Equal(2, elements);
        var constraints = ca.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.Equal((true, true, 0, true), (constraints.CertificateAuthority, constraints.HasPathLengthConstraint, constraints.PathLengthConstraint, constraints.Critical));
        AssertKeyUsage(ca, X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign);
        AssertIssuedBy(ca, Keys.Root.Certificate, "root");
        Assert.Equal(policies.Select(p => Arc + p), Policies(ca));
    }

    public static TheoryData<string, X509KeyUsageFlags, string[], string, string> Kinds() => new()
    {
        { "tls", X509KeyUsageFlags.DigitalSignature, ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], ".1.1", "gateway" },
        { "signing", X509KeyUsageFlags.DigitalSignature, [], ".1.2", "gateway" },
        { "seal", X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, ["1.3.6.1.5.5.7.3.36"], ".1.3", "seal" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task EachKind_ItsProfile_ChainsToTheRootThroughItsCa(string kind, X509KeyUsageFlags usage, string[] ekus, string policy, string issuer)
    {
        await _host.PutMemberAsync("SY/GOV/CIVREG", "Civil registry");

        using var issued = await _host.IssueCertificateAsync(kind, member: kind == "seal" ? "SY/GOV/CIVREG" : null);

        var certificate = issued.Certificate;
        var ca = _host.App.Services.GetRequiredService<RegistryPki>().Find(issuer)!.Certificate;
        Assert.Equal(issuer, issued.Issuer);
        Assert.Equal(certificate.SerialNumber, issued.Serial);
        Assert.Equal(ca.Subject, certificate.Issuer);
        Assert.True(Chain(certificate, out var elements), $"the {kind} certificate does not chain to the root");
        Assert.Equal(3, elements);
        var constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.Equal((false, true), (constraints.CertificateAuthority, constraints.Critical));
        AssertKeyUsage(certificate, usage);
        Assert.Equal(ekus, certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().SingleOrDefault()?.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value!).Order().ToArray() ?? []);
        Assert.Equal([Arc + policy], Policies(certificate));
        AssertIssuedBy(certificate, ca, issuer);
        Assert.Equal(_host.Time.GetUtcNow().AddDays(365).UtcDateTime, certificate.NotAfter.ToUniversalTime());
    }

    [Fact]
    public async Task Seal_SubjectIsTheRegisteredMember_NotTheCsrs()
    {
        await _host.PutMemberAsync("SY/GOV/CIVREG", "السجل المدني");

        using var issued = await _host.IssueCertificateAsync("seal", member: "SY/GOV/CIVREG", subject: "CN=Ministry of Everything, O=Someone else");

        // In the order they are encoded: the most significant first.
        var rdns = issued.Certificate.SubjectName.EnumerateRelativeDistinguishedNames(reversed: false)
            .Select(r => (r.GetSingleElementType().Value, r.GetSingleElementValue())).ToArray();
        Assert.Equal(
            [("2.5.4.6", "SY"), ("2.5.4.10", "السجل المدني"), ("2.5.4.97", "SY/GOV/CIVREG"), ("2.5.4.3", "السجل المدني")],
            rdns);
        Assert.Empty(issued.Certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>());
    }

    [Theory]
    [InlineData("seal", null, HttpStatusCode.BadRequest, "bad-request", "'member'")]
    [InlineData("seal", "SY/GOV/NOBODY", HttpStatusCode.Conflict, "conflict", "SY/GOV/NOBODY is not registered")]
    [InlineData("seal", "IQ/GOV/CIVREG", HttpStatusCode.BadRequest, "bad-identifier", "not this registry's instance")]
    [InlineData("seal", "SY/GOV", HttpStatusCode.BadRequest, "bad-identifier", "member")]
    [InlineData("tls", "SY/GOV/CIVREG", HttpStatusCode.BadRequest, "bad-request", "leave 'member' out")]
    [InlineData("ca", null, HttpStatusCode.BadRequest, "bad-request", "'seal'")]
    [InlineData("ocsp", null, HttpStatusCode.BadRequest, "bad-request", "'tls'")]
    public async Task Issue_SealWithoutARegisteredMember_OrAMemberForAnotherKind_Refused(string kind, string? member, HttpStatusCode status, string code, string named)
    {
        await _host.PutMemberAsync("SY/GOV/CIVREG", "Civil registry");

        using var response = await _host.Admin.PostAsJsonAsync("/admin/v1/certificates", new { csr = PkiRequests.Csr(), kind, member }, Ct);

        var detail = await ProblemAssert.IsProblemAsync(response, status, code);
        Assert.Contains(named, detail, StringComparison.Ordinal);
        Assert.DoesNotContain(await _host.App.Services.GetRequiredService<Naqil.Registry.Storage.ICertificateStore>().ListIssuedAsync(Ct), e => e.Certificate.Kind is "tls" or "signing" or "seal");
    }

    [Fact]
    public async Task Issue_SealForAMemberWithANameLongerThanX520Allows_Conflict()
    {
        await _host.PutMemberAsync("SY/GOV/CIVREG", new string('n', 65));

        using var response = await _host.Admin.PostAsJsonAsync("/admin/v1/certificates", new { csr = PkiRequests.Csr(), kind = "seal", member = "SY/GOV/CIVREG" }, Ct);

        Assert.Contains("64 characters", await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict, "conflict"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InProcess_OnlyCsrKinds_AndASealNeedsItsOrganisation()
    {
        var authority = _host.App.Services.GetRequiredService<ICertificateAuthority>();

        var ca = await authority.IssueAsync(new CertificateIssueRequest(PkiRequests.Csr(), CertificateKind.IssuingCa), Ct);
        var seal = await authority.IssueAsync(new CertificateIssueRequest(PkiRequests.Csr(), CertificateKind.Seal), Ct);
        var tls = await authority.IssueAsync(new CertificateIssueRequest(PkiRequests.Csr(), CertificateKind.Tls) { Organisation = new("SY/GOV/CIVREG", "Civil registry") }, Ct);

        Assert.Contains("made by the registry itself", ca.Error, StringComparison.Ordinal);
        Assert.Contains("names its organisation", seal.Error, StringComparison.Ordinal);
        Assert.Contains("only a seal names an organisation", tls.Error, StringComparison.Ordinal);
        Assert.False(ca.Succeeded || seal.Succeeded || tls.Succeeded);
    }

    [Fact]
    public async Task Describe_NamesEachCaWithItsFileAndUrls_AndTheCertificateUrlServesIt()
    {
        var described = _host.App.Services.GetRequiredService<RegistryPki>().Describe();

        Assert.Equal(["root", "gateway", "seal"], described.Select(d => d.Name));
        Assert.Equal([null, "root", "root"], described.Select(d => d.IssuedBy));
        Assert.Equal(["ca"], described[0].Issues);
        Assert.Equal(["tls", "signing", "tsa"], described[1].Issues);
        Assert.Equal(["seal"], described[2].Issues);
        foreach (var ca in described)
        {
            Assert.Equal(Path.Combine(_directory.Path, $"{ca.Name}-ca.pem"), ca.CertificateFile);
            using var fromFile = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(ca.CertificateFile, Ct));
            Assert.Equal(ca.Subject, fromFile.Subject);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(fromFile.RawData)), ca.Thumbprint);
            Assert.Equal($"{PublicUrl}/pki/v1/ca/{ca.Name}.crt", ca.CertificateUrl);
            Assert.Equal($"{PublicUrl}/pki/v1/crl/{ca.Name}.crl", ca.CrlUrl);
            Assert.Equal($"{PublicUrl}/pki/v1/ocsp/{ca.Name}", ca.OcspUrl);

            using var response = await _host.Anonymous.GetAsync($"/pki/v1/ca/{ca.Name}.crt", Ct);
            Assert.Equal("application/pkix-cert", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(fromFile.RawData, await response.Content.ReadAsByteArrayAsync(Ct));
        }

        var listed = await _host.Anonymous.GetFromJsonAsync<JsonElement>("/pki/v1/cas", Ct);
        Assert.Equal(described.Select(d => d.OcspUrl), listed.GetProperty("cas").EnumerateArray().Select(c => c.GetProperty("ocspUrl").GetString()));
    }

    [Theory]
    [InlineData("/pki/v1/ca/intermediate.crt")]
    [InlineData("/pki/v1/crl/sandbox.crl")]
    [InlineData("/pki/v1/ocsp/sandbox/MAA=")]
    public async Task UnknownCa_NotFound(string path)
    {
        using var response = await _host.Anonymous.GetAsync(path, Ct);

        Assert.Contains("root, gateway and seal", await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "not-found"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrustedCas_ListTheRootAndTheIssuingCas()
    {
        var configuration = await _host.ConfigurationAsync();

        Assert.Equal(
            new[] { Keys.Root, Keys.GatewayCa, Keys.SealCa }.Select(c => Convert.ToBase64String(c.Certificate.RawData)).Order(),
            configuration.TrustedCas.Order());
    }

    private static void AssertKeyUsage(X509Certificate2 certificate, X509KeyUsageFlags expected)
    {
        var usage = certificate.Extensions.OfType<X509KeyUsageExtension>().Single();
        Assert.Equal(expected, usage.KeyUsages);
        Assert.True(usage.Critical);
    }

    /// <summary>Authority key id = the issuer's subject key id; CRL distribution point, OCSP and caIssuers at the issuer's URLs under the public URL.</summary>
    private static void AssertIssuedBy(X509Certificate2 certificate, X509Certificate2 issuer, string issuerName)
    {
        var subjectKeyId = certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single();
        Assert.False(subjectKeyId.Critical);
        var authorityKeyId = certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single();
        Assert.Equal(issuer.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifierBytes.ToArray(), authorityKeyId.KeyIdentifier!.Value.ToArray());
        var aia = certificate.Extensions.OfType<X509AuthorityInformationAccessExtension>().Single();
        Assert.Equal([$"{PublicUrl}/pki/v1/ocsp/{issuerName}"], aia.EnumerateOcspUris());
        Assert.Equal([$"{PublicUrl}/pki/v1/ca/{issuerName}.crt"], aia.EnumerateCAIssuersUris());
        var distributionPoints = certificate.Extensions[CrlDistributionPointsOid];
        Assert.NotNull(distributionPoints);
        Assert.Equal(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([$"{PublicUrl}/pki/v1/crl/{issuerName}.crl"]).RawData, distributionPoints.RawData);
        Assert.Null(certificate.Extensions[NoCheck]);
    }

    private static string[] Policies(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions[PoliciesOid];
        Assert.NotNull(extension);
        Assert.False(extension.Critical);
        var policies = new List<string>();
        var sequence = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
        while (sequence.HasData)
        {
            policies.Add(sequence.ReadSequence().ReadObjectIdentifier());
        }

        return [.. policies];
    }

    private bool Chain(X509Certificate2 certificate, out int elements)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Keys.Root.Certificate);
        chain.ChainPolicy.ExtraStore.Add(Keys.GatewayCa.Certificate);
        chain.ChainPolicy.ExtraStore.Add(Keys.SealCa.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = _host.Time.GetUtcNow().UtcDateTime;
        var built = chain.Build(certificate);
        elements = chain.ChainElements.Count;
        return built && chain.ChainElements[^1].Certificate.RawData.AsSpan().SequenceEqual(Keys.Root.Certificate.RawData);
    }
}

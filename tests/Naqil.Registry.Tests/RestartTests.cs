using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Naqil.Registry.Certificates;

namespace Naqil.Registry.Tests;

public sealed class RestartTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Restart_SameDataDirectory_KeepsAnchorCaAndData()
    {
        byte[] anchor, ca;
        long serial;
        await using (var first = await RegistryHost.StartAsync(_directory.Path))
        {
            await first.PutMemberAsync();
            (await first.PutAsync("/admin/v1/subsystems/SY/GOV/CIVREG/registry", new { })).Dispose();
            using var anchorCertificate = await first.AnchorAsync();
            anchor = anchorCertificate.RawData;
            ca = first.App.Services.GetRequiredService<RegistryKeys>().GatewayCa.Certificate.RawData;
            serial = await first.SerialAsync();
        }

        await using var second = await RegistryHost.StartAsync(_directory.Path);
        using var secondAnchor = await second.AnchorAsync();
        var configuration = await second.ConfigurationAsync();

        Assert.Equal(anchor, secondAnchor.RawData);
        Assert.Equal(ca, second.App.Services.GetRequiredService<RegistryKeys>().GatewayCa.Certificate.RawData);
        Assert.Equal(serial, configuration.Serial);
        Assert.Equal("SY/GOV/CIVREG", configuration.Members.Single().Id);
        Assert.Equal("SY/GOV/CIVREG/registry", configuration.Subsystems.Single().Id);
        Assert.Equal(3, configuration.TrustedCas.Count);
    }

    [Fact]
    public async Task FirstStart_WritesPrivateKeysReadableByOwnerOnly()
    {
        await using var host = await RegistryHost.StartAsync(_directory.Path);

        foreach (var file in new[] { "registry-signing-key.pem", "root-ca-key.pem", "gateway-ca-key.pem", "seal-ca-key.pem", "sandbox-tsa-key.pem" })
        {
            var path = Path.Combine(_directory.Path, file);
            using var key = ECDsa.Create();
            key.ImportFromPem(await File.ReadAllTextAsync(path, Ct));
            Assert.Equal(256, key.KeySize);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }
        }

        var keys = host.App.Services.GetRequiredService<RegistryKeys>();
        Assert.Equal("CN=Naqil SY Root CA, O=Naqil SY, C=SY", keys.Root.Certificate.Subject);
        Assert.True(keys.Root.Certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.False(File.Exists(Path.Combine(_directory.Path, "sandbox-ca.pem")), "a new data directory has no single sandbox CA");
        Assert.Equal(keys.AnchorCertificate.RawData, X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(_directory.Path, "registry-anchor.pem"), Ct)).RawData);
    }

    [Fact]
    public async Task Start_KeyWithoutItsCertificate_FailsNamingTheMissingFile()
    {
        await using (var first = await RegistryHost.StartAsync(_directory.Path))
        {
            Assert.Equal(HttpStatusCode.OK, (await first.Anonymous.GetAsync("/health", Ct)).StatusCode);
        }

        File.Delete(Path.Combine(_directory.Path, "registry-anchor.pem"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RegistryHost.StartAsync(_directory.Path));
        Assert.Contains("registry-anchor.pem", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_DataDirectoryOfTheSingleSandboxCa_KeepsItTrustedAndItsTsa_IssuesFromTheGatewayCa()
    {
        // The files a registry made before the PKI: a self-signed sandbox CA and the TSA it issued.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
        using var oldCaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var oldCaRequest = new CertificateRequest("CN=Naqil sandbox CA SY", oldCaKey, HashAlgorithmName.SHA256);
        oldCaRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        oldCaRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        oldCaRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(oldCaRequest.PublicKey, false));
        using var oldCa = oldCaRequest.CreateSelfSigned(time.GetUtcNow().AddDays(-30), time.GetUtcNow().AddDays(3000));
        using var oldTsa = Naqil.Registry.Certificates.Tsa.TimestampAuthorityCertificates.Create("CN=Naqil sandbox TSA SY", time, TimeSpan.FromDays(3000), oldCa, oldCaKey);
        Directory.CreateDirectory(_directory.Path);
        await File.WriteAllTextAsync(Path.Combine(_directory.Path, "sandbox-ca-key.pem"), oldCaKey.ExportPkcs8PrivateKeyPem(), Ct);
        await File.WriteAllTextAsync(Path.Combine(_directory.Path, "sandbox-ca.pem"), oldCa.ExportCertificatePem(), Ct);
        await File.WriteAllTextAsync(Path.Combine(_directory.Path, "sandbox-tsa-key.pem"), oldTsa.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem(), Ct);
        await File.WriteAllTextAsync(Path.Combine(_directory.Path, "sandbox-tsa.pem"), oldTsa.ExportCertificatePem(), Ct);

        await using var host = await RegistryHost.StartAsync(_directory.Path, time, publicUrl: "http://registry.sy.test");

        var keys = host.App.Services.GetRequiredService<RegistryKeys>();
        var configuration = await host.ConfigurationAsync();
        Assert.Equal(
            new[] { oldCa, keys.Root.Certificate, keys.GatewayCa.Certificate, keys.SealCa.Certificate }.Select(c => Convert.ToBase64String(c.RawData)).Order(),
            configuration.TrustedCas.Order());
        Assert.Equal(oldTsa.RawData, keys.TsaCertificate.RawData);
        Assert.Equal(Convert.ToBase64String(oldTsa.RawData), Assert.Single(configuration.Tsas).Certificate);
        using var issued = X509Certificate2.CreateFromPem(await host.IssueAsync("tls"));
        Assert.Equal(keys.GatewayCa.Certificate.Subject, issued.Issuer);
    }

    [Fact]
    public async Task Start_IssuingCaNotIssuedByTheRoot_FailsNamingTheFiles()
    {
        await using (await RegistryHost.StartAsync(_directory.Path))
        {
        }

        File.Delete(Path.Combine(_directory.Path, "root-ca.pem"));
        File.Delete(Path.Combine(_directory.Path, "root-ca-key.pem"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RegistryHost.StartAsync(_directory.Path));
        Assert.Contains("gateway-ca.pem", error.Message, StringComparison.Ordinal);
        Assert.Contains("was not issued by the root CA", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_DataDirectoryOfAnotherInstance_Fails()
    {
        await using (await RegistryHost.StartAsync(_directory.Path))
        {
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddNaqilRegistry(new RegistryOptions { Instance = "IQ", DataDirectory = _directory.Path, AdminToken = RegistryHost.AdminToken });
        await using var app = builder.Build();
        app.MapNaqilRegistry();
        app.Urls.Add("http://127.0.0.1:0");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync(Ct));
        Assert.Contains("belongs to instance SY", error.Message, StringComparison.Ordinal);
    }
}

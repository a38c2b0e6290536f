using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Naqil.Registry.Certificates.Tsa;

namespace Naqil.Gateway.Tests.TestEnvironment;

/// <summary>
/// The sandbox's real RFC 3161 TSA on a loopback port, living on the test's clock. Its certificate
/// is issued, as the registry's sandbox TSA's is, by a self-signed CA that the trust configuration
/// lists in <c>trustedCas</c>. It can be stopped and started again on the same port, to take
/// timestamping away and give it back.
/// </summary>
internal sealed class TestTsa : IAsyncDisposable
{
    private readonly TimeProvider _time;
    private WebApplication? _app;

    private TestTsa(TimeProvider time, X509Certificate2 ca, X509Certificate2 certificate)
    {
        _time = time;
        Ca = ca;
        Certificate = certificate;
    }

    /// <summary>The CA that issued <see cref="Certificate"/> (public part only), like the registry's sandbox CA.</summary>
    public X509Certificate2 Ca { get; }

    public X509Certificate2 Certificate { get; }

    public int Port { get; private set; }

    public string Url => $"http://127.0.0.1:{Port}/tsa";

    public int Requests;

    public static async Task<TestTsa> StartAsync(TimeProvider time)
    {
        // As RegistryKeys makes the sandbox CA: self-signed, a CA, keyCertSign and cRLSign.
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Naqil Gateway Test CA", caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var caWithKey = request.CreateSelfSigned(time.GetUtcNow().AddMinutes(-5), time.GetUtcNow().AddDays(365));
        var certificate = TimestampAuthorityCertificates.Create("CN=Naqil Gateway Test TSA", time, TimeSpan.FromDays(30), caWithKey, caKey);
        var tsa = new TestTsa(time, X509CertificateLoader.LoadCertificate(caWithKey.RawData), certificate);
        await tsa.StartAsync();
        return tsa;
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        builder.Services.AddSingleton(new TimestampAuthority(Certificate, Certificate.GetECDsaPrivateKey()!, _time));
        var app = builder.Build();
        app.Use((context, next) =>
        {
            Interlocked.Increment(ref Requests);
            return next(context);
        });
        app.MapNaqilTimestampAuthority();
        await app.StartAsync();
        Port = new Uri(KestrelHost.Address(app)).Port;
        _app = app;
    }

    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Certificate.Dispose();
        Ca.Dispose();
    }
}

using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Naqil.Registry.Certificates.Tsa;

namespace Naqil.Gateway.Tests.TestEnvironment;

/// <summary>
/// The sandbox's real RFC 3161 TSA on a loopback port, living on the test's clock. It can be
/// stopped and started again on the same port, to take timestamping away and give it back.
/// </summary>
internal sealed class TestTsa : IAsyncDisposable
{
    private readonly TimeProvider _time;
    private WebApplication? _app;

    private TestTsa(TimeProvider time, X509Certificate2 certificate)
    {
        _time = time;
        Certificate = certificate;
    }

    public X509Certificate2 Certificate { get; }

    public int Port { get; private set; }

    public string Url => $"http://127.0.0.1:{Port}/tsa";

    public int Requests;

    public static async Task<TestTsa> StartAsync(TimeProvider time)
    {
        var tsa = new TestTsa(time, TimestampAuthorityCertificates.Create("CN=Naqil Gateway Test TSA", time, TimeSpan.FromDays(30)));
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
    }
}

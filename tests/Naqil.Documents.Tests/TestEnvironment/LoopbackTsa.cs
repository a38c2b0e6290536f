using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Naqil.Registry.Certificates.Tsa;

namespace Naqil.Documents.Tests.TestEnvironment;

/// <summary>The registry's TSA endpoint (<c>POST /tsa</c>) on a loopback port, as the registry serves it.</summary>
internal sealed class LoopbackTsa : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackTsa(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public int Requests;

    public static async Task<LoopbackTsa> StartAsync(TestPki pki)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(new TimestampAuthority(pki.Tsa, pki.Tsa.GetECDsaPrivateKey()!, TimeProvider.System));
        var app = builder.Build();
        LoopbackTsa? tsa = null;
        app.Use((context, next) =>
        {
            Interlocked.Increment(ref tsa!.Requests);
            return next(context);
        });
        app.MapNaqilTimestampAuthority();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        tsa = new LoopbackTsa(app, new Uri(address.TrimEnd('/') + "/tsa"));
        return tsa;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

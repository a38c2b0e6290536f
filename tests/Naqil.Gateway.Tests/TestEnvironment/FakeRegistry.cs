using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Naqil.Trust;

namespace Naqil.Gateway.Tests.TestEnvironment;

/// <summary>
/// Serves a trust configuration the test controls, signed with a real anchor key, over a real
/// socket — so tests can publish expired, rolled-back, foreign or wrongly signed documents.
/// </summary>
internal sealed class FakeRegistry : IAsyncDisposable
{
    private readonly WebApplication _app;
    private volatile SignedTrustConfiguration? _current;

    private FakeRegistry(WebApplication app, ECDsa key, X509Certificate2 anchor)
    {
        _app = app;
        Key = key;
        Anchor = anchor;
    }

    public ECDsa Key { get; }

    public X509Certificate2 Anchor { get; }

    public string ConfigUrl { get; private set; } = "";

    public int Fetches;

    /// <summary>While true, the registry answers 503, as one that is down behind its load balancer.</summary>
    public bool Down { get; set; }

    /// <summary>When set, every answer is this many bytes of JSON-looking filler, sent in chunks (no Content-Length), as a hostile registry would.</summary>
    public long? HugeAnswerBytes { get; set; }


    public static async Task<FakeRegistry> StartAsync()
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var anchor = new CertificateRequest("CN=Test registry", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var builder = KestrelHost.CreateBuilder();
        var app = builder.Build();
        var registry = new FakeRegistry(app, key, anchor);
        app.MapGet("/trust/v1/config", async (HttpContext context) =>
        {
            Interlocked.Increment(ref registry.Fetches);
            if (registry.Down)
            {
                return Results.StatusCode(503);
            }

            if (registry.HugeAnswerBytes is { } huge)
            {
                await registry.WriteHugeAsync(context, huge);
                return Results.Empty;
            }

            if (registry._current is not { } signed)
            {
                return Results.StatusCode(503);
            }

            var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(signed.Payload))[..32]}\"";
            context.Response.Headers.ETag = etag;
            if (context.Request.Headers.IfNoneMatch == etag)
            {
                return Results.StatusCode(304);
            }

            context.Response.Headers[SignedTrustConfiguration.SignatureHeader] = signed.Jws;
            return Results.Bytes(signed.Payload, "application/json");
        });
        await app.StartAsync();
        registry.ConfigUrl = KestrelHost.Address(app) + "/trust/v1/config";
        return registry;
    }

    private async Task WriteHugeAsync(HttpContext context, long bytes)
    {
        var chunk = new byte[64 * 1024];
        chunk.AsSpan().Fill((byte)' ');
        context.Response.ContentType = "application/json";
        try
        {
            for (var sent = 0L; sent < bytes; sent += chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The reader hung up.
        }
    }

    public SignedTrustConfiguration Publish(TrustConfiguration configuration) => Publish(SignedTrustConfiguration.Sign(configuration, Key, Anchor));

    public SignedTrustConfiguration Publish(SignedTrustConfiguration signed)
    {
        _current = signed;
        return signed;
    }

    public string WriteAnchor(string directory)
    {
        var path = Path.Combine(directory, "anchor.pem");
        File.WriteAllText(path, Anchor.ExportCertificatePem());
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Key.Dispose();
        Anchor.Dispose();
    }
}

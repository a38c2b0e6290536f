using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Naqil.Signatures;
using Naqil.Trust;

namespace Naqil.Gateway.Tests.TestEnvironment;

public enum RogueMode
{
    Honest,
    AlterBodyAfterSigning,
    AlterStatusAfterSigning,
    SignWithOtherKey,

    /// <summary>Signs properly, with a <c>created</c> far outside the calendar (999999999999999).</summary>
    CreatedOutOfRange,
}

/// <summary>
/// A provider gateway that the trust configuration lists (SY/GOV/ROGUE) but that tampers with its
/// own signed answers in the way a compromised hop would. <see cref="RogueMode.Honest"/> is the
/// control: it shows the same answer, untampered, is accepted.
/// </summary>
internal sealed class RogueProvider : IAsyncDisposable
{
    public const string Member = "SY/GOV/ROGUE";
    public const string Service = "SY/GOV/ROGUE/app/echo";

    private readonly WebApplication _app;

    private RogueProvider(WebApplication app, X509Certificate2 tls, X509Certificate2 signing, string url)
    {
        _app = app;
        Tls = tls;
        Signing = signing;
        Url = url;
    }

    public X509Certificate2 Tls { get; }

    public X509Certificate2 Signing { get; }

    public string Url { get; }

    public int Calls;

    public GatewayEntry Entry => new(Member, "gw1", Url, Tls.RawData, Signing.RawData);

    public static async Task<RogueProvider> StartAsync(RogueMode mode, TimeProvider time)
    {
        var tls = TestPki.CreateTlsCertificate("rogue TLS");
        var signing = TestPki.CreateSigningCertificate("rogue signing");
        using var other = TestPki.CreateSigningCertificate("not the rogue's registered key");
        var otherKey = other.GetECDsaPrivateKey()!;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = tls,
            SslProtocols = SslProtocols.Tls13,
            ClientCertificateMode = ClientCertificateMode.RequireCertificate,
            ClientCertificateValidation = (_, _, _) => true,
        })));
        var app = builder.Build();
        RogueProvider? self = null;
        var signingKey = signing.GetECDsaPrivateKey()!;
        var keyId = SignedTrustConfiguration.Thumbprint(signing);
        app.Run(async context =>
        {
            Interlocked.Increment(ref self!.Calls);
            var requestSignature = context.Request.Headers["Signature"].ToString();
            var body = Encoding.UTF8.GetBytes("{\"answer\":42}");
            var headers = new Dictionary<string, string>
            {
                ["content-type"] = "application/json",
                ["naqil-id"] = context.Request.Headers["Naqil-Id"].ToString(),
                ["content-digest"] = ContentDigest.Compute(body),
            };
            var parameters = new SignatureParameters
            {
                Components = [new("@status"), new("content-digest"), new("naqil-id"), new("signature", FromRequest: true), new("content-type")],
                Created = mode == RogueMode.CreatedOutOfRange ? 999_999_999_999_999 : time.GetUtcNow().ToUnixTimeSeconds(),
                Algorithm = HttpMessageSignatures.EcdsaP256Sha256,
                KeyId = keyId,
                Tag = "naqil-response",
            };
            var signed = HttpMessageSignatures.Sign(
                new HttpMessageComponents { Status = 200, GetHeader = n => headers.GetValueOrDefault(n) },
                new HttpMessageComponents { GetHeader = n => n == "signature" ? requestSignature : null },
                parameters, "naqil", mode == RogueMode.SignWithOtherKey ? otherKey : signingKey);
            context.Response.StatusCode = mode == RogueMode.AlterStatusAfterSigning ? 201 : 200;
            foreach (var (name, value) in headers)
            {
                context.Response.Headers[name] = value;
            }

            context.Response.Headers["Signature-Input"] = signed.SignatureInput;
            context.Response.Headers["Signature"] = signed.Signature;
            await context.Response.Body.WriteAsync(mode == RogueMode.AlterBodyAfterSigning ? Encoding.UTF8.GetBytes("{\"answer\":43}") : body);
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
        self = new RogueProvider(app, tls, signing, url);
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Tls.Dispose();
        Signing.Dispose();
    }
}

using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Signing;

namespace Naqil.Gateway.Forwarding;

/// <summary>
/// The consumer side's connection to provider gateways: TLS 1.3 only, presenting this gateway's
/// TLS certificate, and accepting the server only if its certificate is exactly the one the trust
/// configuration lists for the gateway being called (pinned per request, CA chains play no part).
/// </summary>
internal sealed class ProviderGatewayClient : IDisposable
{
    public static readonly HttpRequestOptionsKey<string> ExpectedTlsThumbprint = new("naqil.expected-tls-thumbprint");

    public ProviderGatewayClient(GatewayKeys keys, IOptions<GatewayOptions> options)
    {
        var certificate = keys.TlsCertificate;
        Invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            ConnectTimeout = options.Value.ConnectTimeout,
            // Short-lived pooled connections, so a gateway removed from the configuration drops out soon.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = SslProtocols.Tls13,
                LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate,
                RemoteCertificateValidationCallback = ValidateServer,
            },
        });
    }

    public HttpMessageInvoker Invoker { get; }

    private static bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (sender is not HttpRequestMessage request || certificate is null || !request.Options.TryGetValue(ExpectedTlsThumbprint, out var expected))
        {
            return false;
        }

        var actual = Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));
        return CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(actual), System.Text.Encoding.ASCII.GetBytes(expected));
    }

    public void Dispose() => Invoker.Dispose();
}

/// <summary>The provider side's connection to the service backends behind it.</summary>
internal sealed class BackendClient(IOptions<GatewayOptions> options) : IDisposable
{
    public HttpMessageInvoker Invoker { get; } = new(new SocketsHttpHandler
    {
        ConnectTimeout = options.Value.ConnectTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
    });

    public void Dispose() => Invoker.Dispose();
}

using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Signing;
using Naqil.Gateway.Trust;

namespace Naqil.Gateway.Forwarding;

/// <summary>
/// The consumer side's connections to provider gateways: TLS 1.3 only, presenting this gateway's
/// TLS certificate, and accepting the server only if its certificate is exactly the one the trust
/// configuration lists for the gateway being called. Each provider gateway (address and pinned
/// certificate) gets its own connection pool, so the pin is known when the handshake happens;
/// CA chains play no part.
/// </summary>
internal sealed class ProviderGatewayClient(GatewayKeys keys, IOptions<GatewayOptions> options, TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<(string Authority, string Thumbprint), HttpMessageInvoker> _pools = new();

    public HttpMessageInvoker For(PeerGateway provider) =>
        _pools.GetOrAdd((provider.Authority, provider.TlsThumbprint), key => Create(key.Thumbprint));

    /// <summary>Closes the pools of gateways that are no longer in <paramref name="current"/>.</summary>
    public void Retain(IEnumerable<PeerGateway> current)
    {
        var keep = current.Select(p => (p.Authority, p.TlsThumbprint)).ToHashSet();
        foreach (var key in _pools.Keys)
        {
            if (!keep.Contains(key) && _pools.TryRemove(key, out var invoker))
            {
                invoker.Dispose();
            }
        }
    }

    private HttpMessageInvoker Create(string expectedThumbprint)
    {
        var certificate = keys.TlsCertificate;
        var expected = Encoding.ASCII.GetBytes(expectedThumbprint);
        return new HttpMessageInvoker(new SocketsHttpHandler
        {
            ConnectTimeout = options.Value.ConnectTimeout,
            MaxConnectionsPerServer = options.Value.MaxConnectionsPerPeer,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            // Nothing unsigned crosses to another member's gateway: no W3C trace headers either.
            ActivityHeadersPropagator = null,
            SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = SslProtocols.Tls13,
                LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate,
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null
                    && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(presented.GetCertHash(HashAlgorithmName.SHA256))), expected)
                    && CertificateValidity.IsCurrent(presented, time),
            },
        });
    }

    public void Dispose()
    {
        foreach (var invoker in _pools.Values)
        {
            invoker.Dispose();
        }
    }
}

/// <summary>The provider side's connection to the service backends behind it.</summary>
internal sealed class BackendClient(IOptions<GatewayOptions> options) : IDisposable
{
    public HttpMessageInvoker Invoker { get; } = new(new SocketsHttpHandler
    {
        ConnectTimeout = options.Value.ConnectTimeout,
        MaxConnectionsPerServer = options.Value.MaxConnectionsPerPeer,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        ActivityHeadersPropagator = null,
    });

    public void Dispose() => Invoker.Dispose();
}

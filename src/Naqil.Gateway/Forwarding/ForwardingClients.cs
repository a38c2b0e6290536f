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
    private readonly ConcurrentDictionary<(string Authority, string Thumbprint), PeerPool> _pools = new();

    /// <summary>
    /// The pool for <paramref name="provider"/>. Its connections live as long as they are used:
    /// renewing them on a timer made all of them re-handshake at once (they open together under
    /// load), a stall of 0.2–0.4 s every renewal. What the renewal guarded against, the pinned
    /// certificate expiring under an open connection, is checked here instead.
    /// </summary>
    public HttpMessageInvoker For(PeerGateway provider)
    {
        var key = (provider.Authority, provider.TlsThumbprint);
        while (true)
        {
            if (!_pools.TryGetValue(key, out var pool))
            {
                // GetOrAdd with a factory may run it on several threads and keep one result: the
                // others' handlers would never be disposed. Offer one, and dispose it if it lost.
                var created = new PeerPool(this, key.TlsThumbprint);
                pool = _pools.GetOrAdd(key, created);
                if (!ReferenceEquals(pool, created))
                {
                    created.Invoker.Dispose();
                }
            }

            if (time.GetUtcNow().UtcTicks <= Volatile.Read(ref pool.ServerValidUntilTicks))
            {
                return pool.Invoker;
            }

            // Expired since its handshake: start afresh, and the next handshake refuses it.
            var fresh = new PeerPool(this, key.TlsThumbprint);
            (_pools.TryUpdate(key, fresh, pool) ? pool : fresh).Invoker.Dispose();
        }
    }

    /// <summary>Closes the pools of gateways that are no longer in <paramref name="current"/>.</summary>
    public void Retain(IEnumerable<PeerGateway> current)
    {
        var keep = current.Select(p => (p.Authority, p.TlsThumbprint)).ToHashSet();
        foreach (var key in _pools.Keys)
        {
            if (!keep.Contains(key) && _pools.TryRemove(key, out var pool))
            {
                pool.Invoker.Dispose();
            }
        }
    }

    private HttpMessageInvoker Create(string expectedThumbprint, PeerPool pool)
    {
        var certificate = keys.TlsCertificate;
        var expected = Encoding.ASCII.GetBytes(expectedThumbprint);
        return new HttpMessageInvoker(new SocketsHttpHandler
        {
            ConnectTimeout = options.Value.ConnectTimeout,
            MaxConnectionsPerServer = options.Value.MaxConnectionsPerPeer,
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            // Nothing unsigned crosses to another member's gateway: no W3C trace headers either.
            ActivityHeadersPropagator = null,
            SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = SslProtocols.Tls13,
                LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate,
                RemoteCertificateValidationCallback = (_, presented, _, _) =>
                {
                    if (presented is null
                        || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(presented.GetCertHash(HashAlgorithmName.SHA256))), expected)
                        || !CertificateValidity.IsCurrent(presented, time))
                    {
                        return false;
                    }

                    // Every connection of the pool presents this one pinned certificate.
                    Volatile.Write(ref pool.ServerValidUntilTicks, CertificateValidity.NotAfterUtc(presented).Ticks);
                    return true;
                },
            },
        });
    }

    public void Dispose()
    {
        foreach (var pool in _pools.Values)
        {
            pool.Invoker.Dispose();
        }
    }

    /// <summary>One provider gateway's connections, and until when its pinned certificate is valid (once a handshake has shown it).</summary>
    private sealed class PeerPool
    {
        public long ServerValidUntilTicks = long.MaxValue;

        public PeerPool(ProviderGatewayClient client, string expectedThumbprint)
        {
            Invoker = client.Create(expectedThumbprint, this);
        }

        public HttpMessageInvoker Invoker { get; }
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

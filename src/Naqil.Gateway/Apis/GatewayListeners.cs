using System.Net;
using System.Security.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Signing;
using Naqil.Gateway.Trust;
using Naqil.Trust;

namespace Naqil.Gateway.Apis;

/// <summary>
/// The gateway's two Kestrel listeners, each marking its connections with its face: the consumer
/// face (<see cref="GatewayOptions.ConsumerUrl"/>, for the member's own systems) and the provider
/// face (<see cref="GatewayOptions.ProviderUrl"/>, mutual TLS 1.3 against the trust configuration).
/// </summary>
internal static class GatewayListeners
{
    public static void Configure(KestrelServerOptions kestrel)
    {
        var sp = kestrel.ApplicationServices;
        var o = sp.GetRequiredService<IOptions<GatewayOptions>>().Value;
        var keys = sp.GetRequiredService<GatewayKeys>();
        var endpoints = sp.GetRequiredService<GatewayEndpoints>();
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = o.MaxBodyBytes;

        var consumer = new Uri(o.ConsumerUrl);
        kestrel.Listen(Address(consumer), consumer.Port, listen =>
        {
            endpoints.Consumer = listen;
            endpoints.ConsumerScheme = consumer.Scheme;
            Mark(listen, GatewayFace.Consumer);
            if (consumer.Scheme == Uri.UriSchemeHttps)
            {
                // Client certificates are optional here and checked per client by ClientAuthenticator.
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = keys.TlsCertificate,
                    SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                    ClientCertificateValidation = (_, _, _) => true,
                });
            }
        });

        var provider = new Uri(o.ProviderUrl);
        kestrel.Listen(Address(provider), provider.Port, listen =>
        {
            endpoints.Provider = listen;
            Mark(listen, GatewayFace.Provider);
            listen.UseHttps(ProviderTls(sp, keys));
        });
    }

    /// <summary>
    /// TLS 1.3 with a required client certificate, accepted only when a trust configuration (own or
    /// an allowed partner's) lists it for a gateway; no CA chain is consulted. An expired
    /// configuration still identifies peers here, so they get a clear config-expired answer.
    /// </summary>
    private static HttpsConnectionAdapterOptions ProviderTls(IServiceProvider sp, GatewayKeys keys)
    {
        var trust = sp.GetRequiredService<TrustState>();
        var time = sp.GetRequiredService<TimeProvider>();
        var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Naqil.Gateway.ProviderFace");
        return new HttpsConnectionAdapterOptions
        {
            ServerCertificate = keys.TlsCertificate,
            SslProtocols = SslProtocols.Tls13,
            ClientCertificateMode = ClientCertificateMode.RequireCertificate,
            ClientCertificateValidation = (certificate, _, _) =>
            {
                var known = trust.TryFindGatewayByTls(SignedTrustConfiguration.Thumbprint(certificate), out _, out _)
                    && CertificateValidity.IsCurrent(certificate, time);
                if (!known)
                {
                    Log.UnknownTlsPeer(logger);
                }

                return known;
            },
        };
    }

    private static void Mark(ListenOptions listen, GatewayFace face) => listen.Use(next => connection =>
    {
        connection.Items[GatewayFaces.ItemKey] = face;
        return next(connection);
    });

    private static IPAddress Address(Uri uri) => uri.Host switch
    {
        "localhost" => IPAddress.Loopback,
        "0.0.0.0" or "*" or "+" => IPAddress.Any,
        _ => IPAddress.TryParse(uri.Host, out var address) ? address : throw new InvalidOperationException($"'{uri}' must name an IP address or localhost to listen on"),
    };
}

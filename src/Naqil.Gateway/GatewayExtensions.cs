using System.Net;
using System.Security.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Naqil.Gateway.AccessControl;
using Naqil.Gateway.Apis;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.ConsumerFace;
using Naqil.Gateway.Forwarding;
using Naqil.Gateway.MessageLog;
using Naqil.Gateway.Problems;
using Naqil.Gateway.ProviderFace;
using Naqil.Gateway.Signing;
using Naqil.Gateway.Storage;
using Naqil.Gateway.Trust;
using Naqil.Trust;

namespace Naqil.Gateway;

public static class GatewayExtensions
{
    /// <summary>
    /// Adds a gateway to the host: its services, and two Kestrel listeners — the consumer face
    /// (<see cref="GatewayOptions.ConsumerUrl"/>) and the provider face
    /// (<see cref="GatewayOptions.ProviderUrl"/>, mutual TLS 1.3 against the trust configuration).
    /// Options come from <paramref name="options"/> when given, else from the <c>Gateway</c>
    /// configuration section; either way they are validated before the gateway starts.
    /// </summary>
    public static WebApplicationBuilder AddNaqilGateway(this WebApplicationBuilder builder, GatewayOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddGatewayOptions(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TrustState>();
        services.AddSingleton<GatewayKeys>();
        services.AddSingleton<ExchangeSignatures>();
        services.AddSingleton<SignedRequestFactory>();
        services.AddSingleton<ReplayCache>();
        AddMessageLog(services);
        services.AddSingleton<IAclStore>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<GatewayOptions>>().Value;
            Directory.CreateDirectory(o.DataDirectory);
            return new SqliteAclStore(Path.Combine(o.DataDirectory, "gateway.db"));
        });
        services.AddSingleton<AccessControlList>();
        services.AddSingleton<ClientAuthenticator>();
        services.AddSingleton<ProviderGatewayClient>();
        services.AddSingleton<BackendClient>();
        services.AddSingleton<ConsumerFaceHandler>();
        services.AddSingleton<ProviderFaceHandler>();
        services.AddSingleton<TrustPoller>();
        services.AddHostedService<AccessRulesLoader>();
        services.AddHostedService(sp => sp.GetRequiredService<TrustPoller>());
        services.AddHostedService<NativeHeapTrimmer>();
        services.AddSingleton<GatewayEndpoints>();
        services.AddRouting();

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var sp = kestrel.ApplicationServices;
            var o = sp.GetRequiredService<IOptions<GatewayOptions>>().Value;
            var keys = sp.GetRequiredService<GatewayKeys>();
            var trust = sp.GetRequiredService<TrustState>();
            var time = sp.GetRequiredService<TimeProvider>();
            var endpoints = sp.GetRequiredService<GatewayEndpoints>();
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = o.MaxBodyBytes;

            var consumer = new Uri(o.ConsumerUrl);
            kestrel.Listen(Address(consumer), consumer.Port, listen =>
            {
                endpoints.Consumer = listen;
                endpoints.ConsumerScheme = consumer.Scheme;
                listen.Use(next => connection =>
                {
                    connection.Items[GatewayFaces.ItemKey] = GatewayFace.Consumer;
                    return next(connection);
                });
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
            var logger = sp.GetRequiredService<ILogger<ProviderFaceHandler>>();
            kestrel.Listen(Address(provider), provider.Port, listen =>
            {
                endpoints.Provider = listen;
                listen.Use(next => connection =>
                {
                    connection.Items[GatewayFaces.ItemKey] = GatewayFace.Provider;
                    return next(connection);
                });
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = keys.TlsCertificate,
                    SslProtocols = SslProtocols.Tls13,
                    ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                    // Only certificates the trust configurations (own and allowed partners') list for a gateway; no CA chain is consulted.
                    // An expired configuration still identifies peers here, so they get a clear config-expired answer.
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
                });
            });
        });
        return builder;
    }

    /// <summary>Maps the exchange endpoints of both faces, the admin API and the health endpoint.</summary>
    public static IEndpointRouteBuilder MapNaqilGateway(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var consumer = endpoints.ServiceProvider.GetRequiredService<ConsumerFaceHandler>();
        var provider = endpoints.ServiceProvider.GetRequiredService<ProviderFaceHandler>();
        endpoints.Map("/r1/{**rest}", context => GatewayFaces.Of(context) switch
        {
            GatewayFace.Consumer => consumer.HandleAsync(context),
            GatewayFace.Provider => provider.HandleAsync(context),
            _ => new GatewayProblem(GatewayError.NotFound, "unknown listener").WriteAsync(context, null),
        });
        endpoints.MapGet("/health", (TrustState trust) =>
        {
            var fresh = trust.TryGetFresh(out var snapshot);
            var body = new { status = fresh ? "ok" : "config-expired", serial = trust.Current?.Serial, expires = trust.Current?.Expires };
            return fresh ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        endpoints.MapAdminApi();
        endpoints.MapMetaApi();
        // "{**path}": the default fallback pattern skips paths that look like file names (a bare 404).
        endpoints.MapFallback("{**path}", context => new GatewayProblem(GatewayError.NotFound, "nothing is here; exchanges go to /r1/{service}/...").WriteAsync(context, null));
        return endpoints;
    }

    private static void AddMessageLog(IServiceCollection services)
    {
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<GatewayOptions>>().Value.MessageLog);
        services.AddSingleton(sp => MessageLogStores.Create(sp.GetRequiredService<IOptions<GatewayOptions>>().Value));
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<GatewayOptions>>().Value;
            return new BodyVault(o.MessageLog, MessageLogStores.BodyKeyFile(o));
        });
        services.AddSingleton(sp => new TreeHeadTimestamper(
            sp.GetRequiredService<MessageLogOptions>(), sp.GetRequiredService<TrustState>(), sp.GetRequiredService<IOptions<GatewayOptions>>().Value.ConnectTimeout));
        services.AddSingleton<MerkleMessageLog>();
        services.AddSingleton<IExchangeLog>(sp => sp.GetRequiredService<MerkleMessageLog>());
        services.AddHostedService(sp => sp.GetRequiredService<MerkleMessageLog>());
        services.AddSingleton<LogHeartbeat>();
        services.AddHostedService(sp => sp.GetRequiredService<LogHeartbeat>());
    }

    private static IPAddress Address(Uri uri) => uri.Host switch
    {
        "localhost" => IPAddress.Loopback,
        "0.0.0.0" or "*" or "+" => IPAddress.Any,
        _ => IPAddress.TryParse(uri.Host, out var address) ? address : throw new InvalidOperationException($"'{uri}' must name an IP address or localhost to listen on"),
    };
}

/// <summary>The listeners as bound, so a host on port 0 (tests) can learn its real addresses.</summary>
public sealed class GatewayEndpoints
{
    internal ListenOptions? Consumer { get; set; }

    internal ListenOptions? Provider { get; set; }

    internal string ConsumerScheme { get; set; } = "http";

    public string ConsumerUrl => Url(Consumer, ConsumerScheme);

    public string ProviderUrl => Url(Provider, "https");

    private static string Url(ListenOptions? listen, string scheme) =>
        listen?.IPEndPoint is { } endPoint ? $"{scheme}://{endPoint}" : throw new InvalidOperationException("the gateway is not listening yet");
}

/// <summary>Loads the stored access rules at start and adds those named in the configuration file.</summary>
internal sealed class AccessRulesLoader(AccessControlList acl, IOptions<GatewayOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await acl.LoadAsync(cancellationToken);
        foreach (var rule in options.Value.Acl)
        {
            await acl.AddAsync(new AclRule(rule.Service, rule.Client, rule.Methods, rule.PathPrefix), cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

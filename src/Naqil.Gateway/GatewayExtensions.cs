using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
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
using Naqil.Gateway.NativeMemory;
using Naqil.Gateway.Events;
using Naqil.Gateway.Events.Delivery;
using Naqil.Gateway.Events.Subscriber;
using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;
using Naqil.Gateway.ProviderFace;
using Naqil.Gateway.Signing;
using Naqil.Gateway.Storage;
using Naqil.Gateway.Trust;

namespace Naqil.Gateway;

public static class GatewayExtensions
{
    private const string ExchangeRoute = "/r1/{**rest}";
    private const string EventRoute = "/e1/{**rest}";

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
        AddMessageLog(services);
        AddAccessRulesAndReplay(services);
        services.AddSingleton<AccessControlList>();
        services.AddSingleton<ClientAuthenticator>();
        services.AddSingleton<ProviderGatewayClient>();
        services.AddSingleton<BackendClient>();
        AddExchangePipelines(services);
        services.AddSingleton<TrustPoller>();
        services.AddHostedService<AccessRulesLoader>();
        services.AddHostedService(sp => sp.GetRequiredService<TrustPoller>());
        services.AddHostedService<NativeHeapTrimmer>();
        services.AddSingleton<GatewayEndpoints>();
        services.AddRouting();
        builder.WebHost.ConfigureKestrel(GatewayListeners.Configure);
        return builder;
    }

    /// <summary>Maps the exchange endpoints of both faces, the admin API and the health endpoint.</summary>
    public static IEndpointRouteBuilder MapNaqilGateway(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var consumer = endpoints.ServiceProvider.GetRequiredService<ConsumerPipeline>();
        var provider = endpoints.ServiceProvider.GetRequiredService<ProviderPipeline>();
        endpoints.Map(ExchangeRoute, consumer.HandleAsync).WithMetadata(new GatewayFaceMetadata(GatewayFace.Consumer)).WithDisplayName("consumer face");
        endpoints.Map(ExchangeRoute, provider.HandleAsync).WithMetadata(new GatewayFaceMetadata(GatewayFace.Provider)).WithDisplayName("provider face");
        var events = endpoints.ServiceProvider.GetRequiredService<EventPipeline>();
        endpoints.MapPost(EventRoute, events.HandleAsync).WithMetadata(new GatewayFaceMetadata(GatewayFace.Consumer)).WithDisplayName("events");
        var subscriber = endpoints.ServiceProvider.GetRequiredService<SubscriberPipeline>();
        endpoints.MapPost(EventRoute, subscriber.HandleAsync).WithMetadata(new GatewayFaceMetadata(GatewayFace.Provider)).WithDisplayName("event deliveries");
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

    /// <summary>The access rules and the replay window: the gateway's own, or shared by the member's gateways in PostgreSQL.</summary>
    private static void AddAccessRulesAndReplay(IServiceCollection services)
    {
        services.AddSingleton<ReplayCache>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<GatewayOptions>>().Value;
            return o.SharedStateConnectionString.Length > 0
                ? new PostgresSharedState(o.SharedStateConnectionString)
                : throw new InvalidOperationException("Gateway:SharedStateConnectionString is empty: this gateway keeps its access rules and replay window to itself");
        });
        services.AddSingleton<IAclStore>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<GatewayOptions>>().Value;
            if (o.SharedStateConnectionString.Length > 0)
            {
                return sp.GetRequiredService<PostgresSharedState>();
            }

            Directory.CreateDirectory(o.DataDirectory);
            return new SqliteAclStore(Path.Combine(o.DataDirectory, "gateway.db"));
        });
        services.AddSingleton<IReplayWindow>(sp => sp.GetRequiredService<IOptions<GatewayOptions>>().Value.SharedStateConnectionString.Length > 0
            ? sp.GetRequiredService<PostgresSharedState>()
            : new LocalReplayWindow());
        services.AddSingleton<SharedStateRefresher>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<IOptions<GatewayOptions>>().Value.SharedStateConnectionString.Length > 0
            ? sp.GetRequiredService<SharedStateRefresher>()
            : new NoHostedService());
    }

    private static void AddExchangePipelines(IServiceCollection services)
    {
        services.AddOptions<ExchangePipelineOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, GatewayFaceMatcherPolicy>());
        services.AddSingleton<RefusalCounts>();
        services.AddSingleton<IExchangeRefusalObserver>(sp => sp.GetRequiredService<RefusalCounts>());
        services.AddSingleton<ExchangeRefusals>();
        // Each list passed as one argument (an array alone would be taken as the params array itself).
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ConsumerPipeline>(sp,
            [ExchangePipelineOptions.Create<ConsumerExchange>(sp, sp.GetRequiredService<IOptions<ExchangePipelineOptions>>().Value.Consumer)]));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ProviderPipeline>(sp,
            [ExchangePipelineOptions.Create<ProviderExchange>(sp, sp.GetRequiredService<IOptions<ExchangePipelineOptions>>().Value.Provider)]));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<EventPipeline>(sp,
            [ExchangePipelineOptions.Create<EventExchange>(sp, sp.GetRequiredService<IOptions<ExchangePipelineOptions>>().Value.Events)]));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<SubscriberPipeline>(sp,
            [ExchangePipelineOptions.Create<SubscriberExchange>(sp, sp.GetRequiredService<IOptions<ExchangePipelineOptions>>().Value.Subscriber)]));
        services.AddSingleton<EventDeliverer>();
        services.AddSingleton<IDeliverySignal>(sp => sp.GetRequiredService<EventDeliverer>());
        services.AddHostedService(sp => sp.GetRequiredService<EventDeliverer>());
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
        services.AddSingleton<IEventOutbox>(sp => new DbEventOutbox((DbMessageLogStore)sp.GetRequiredService<IMessageLogStore>()));
        services.AddSingleton<IEventInbox>(sp => new DbEventInbox((DbMessageLogStore)sp.GetRequiredService<IMessageLogStore>()));
        services.AddSingleton<MerkleMessageLog>();
        services.AddSingleton<IExchangeLog>(sp => sp.GetRequiredService<MerkleMessageLog>());
        services.AddHostedService(sp => sp.GetRequiredService<MerkleMessageLog>());
        services.AddSingleton<LogHeartbeat>();
        services.AddHostedService(sp => sp.GetRequiredService<LogHeartbeat>());

        // After the log has opened, before the faces do.
        services.AddHostedService<ReplayWindowLoader>();
    }
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

/// <summary>Stands in for a background service the configuration leaves out.</summary>
internal sealed class NoHostedService : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
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

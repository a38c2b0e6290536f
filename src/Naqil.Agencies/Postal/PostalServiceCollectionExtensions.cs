using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Naqil.Agencies.Postal.Exchange;
using Naqil.Agencies.Postal.Simulation;
using Naqil.Agencies.Postal.Storage;

namespace Naqil.Agencies.Postal;

/// <summary>Where one post keeps its items: a SQLite file (the default) or a PostgreSQL database.</summary>
internal sealed record PostalStorageOptions
{
    public string Storage { get; init; } = "sqlite";

    /// <summary>The SQLite file, when <see cref="Storage"/> is <c>sqlite</c>.</summary>
    public string DatabaseFile { get; init; } = "";

    /// <summary>The PostgreSQL connection string, when <see cref="Storage"/> is <c>postgresql</c>.</summary>
    public string ConnectionString { get; init; } = "";

    public IPostalStore CreateStore() => Storage switch
    {
        "sqlite" when DatabaseFile.Length > 0 => new SqlitePostalStore(DatabaseFile),
        "postgresql" when ConnectionString.Length > 0 => new PostgresPostalStore(ConnectionString),
        "sqlite" => throw new InvalidOperationException("the postal store 'sqlite' needs DatabaseFile, the path of its SQLite file"),
        "postgresql" => throw new InvalidOperationException("the postal store 'postgresql' needs ConnectionString"),
        _ => throw new InvalidOperationException($"the postal store '{Storage}' is unknown; use sqlite or postgresql"),
    };
}

internal static class PostalServiceCollectionExtensions
{
    /// <summary>
    /// One post's service and its store; call <see cref="PostalService.InitializeAsync"/> once the
    /// host is built. With <paramref name="exchange"/> naming a gateway, the post also queues its
    /// crossing events and a hosted <see cref="PostalPublisher"/> sends them; received events
    /// (<c>POST /events/ems</c>) are then limited to its partner topics.
    /// </summary>
    public static IServiceCollection AddPostal(this IServiceCollection services, Post post, PostalStorageOptions storage, PostalExchangeOptions? exchange = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => storage.CreateStore());
        PublicationSignal? signal = null;
        if (exchange is not null)
        {
            if (exchange.Validate() is { Count: > 0 } errors)
            {
                throw new InvalidOperationException($"The postal exchange of {post.Country} is misconfigured: {string.Join("; ", errors)}");
            }

            services.AddSingleton(exchange);
            if (exchange.GatewayUrl is not null)
            {
                signal = services.AddPublisher<IPostalStore>(exchange);
            }
        }

        services.AddSingleton(sp => new PostalService(post, sp.GetRequiredService<IPostalStore>(), sp.GetRequiredService<TimeProvider>(), signal));
        return services;
    }

    /// <summary>
    /// A <see cref="PostalPublisher"/> sending what <typeparamref name="TQueue"/> (a registered store)
    /// queues to <paramref name="exchange"/>'s gateway, hosted unless <see cref="PostalExchangeOptions.HostPublisher"/>
    /// is false, and the <see cref="PublicationSignal"/> that wakes it, for the service that queues.
    /// </summary>
    public static PublicationSignal AddPublisher<TQueue>(this IServiceCollection services, PostalExchangeOptions exchange)
        where TQueue : class, IPublicationQueue
    {
        var signal = new PublicationSignal();
        services.AddSingleton(signal);
        services.AddSingleton(sp => new PostalPublisher(sp.GetRequiredService<TQueue>(), exchange, signal, sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<PostalPublisher>>() ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<PostalPublisher>.Instance));
        if (exchange.HostPublisher)
        {
            services.AddHostedService(sp => sp.GetRequiredService<PostalPublisher>());
        }

        return signal;
    }

    /// <summary>
    /// The sandbox's simulator for the post added by <see cref="AddPostal"/>: a hosted service that
    /// moves the post's items on every <see cref="PostalSimulatorOptions.Interval"/>. Start the host
    /// after <see cref="PostalService.InitializeAsync"/> (and the seeding).
    /// </summary>
    public static IServiceCollection AddPostalSimulator(this IServiceCollection services, PostalSimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw new InvalidOperationException($"The postal simulator is misconfigured: {string.Join("; ", errors)}");
        }

        services.AddSingleton(sp => new PostalSimulator(sp.GetRequiredService<PostalService>(), options, sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<PostalSimulator>>() ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<PostalSimulator>.Instance));
        services.AddHostedService(sp => sp.GetRequiredService<PostalSimulator>());
        return services;
    }
}

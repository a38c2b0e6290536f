using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Naqil.Agencies.Regulator.Settlement;
using Naqil.Agencies.Regulator.Storage;

namespace Naqil.Agencies.Regulator;

/// <summary>Where a regulator keeps its registers: a SQLite file (the default) or a PostgreSQL database.</summary>
internal sealed record RegulatorStorageOptions
{
    public string Storage { get; init; } = "sqlite";

    public string DatabaseFile { get; init; } = "";

    public string ConnectionString { get; init; } = "";

    public IRegulatorStore CreateStore() => Storage switch
    {
        "sqlite" when DatabaseFile.Length > 0 => new SqliteRegulatorStore(DatabaseFile),
        "postgresql" when ConnectionString.Length > 0 => new PostgresRegulatorStore(ConnectionString),
        "sqlite" => throw new InvalidOperationException("the regulator store 'sqlite' needs DatabaseFile, the path of its SQLite file"),
        "postgresql" => throw new InvalidOperationException("the regulator store 'postgresql' needs ConnectionString"),
        _ => throw new InvalidOperationException($"the regulator store '{Storage}' is unknown; use sqlite or postgresql"),
    };
}

internal static class RegulatorServiceCollectionExtensions
{
    /// <summary>
    /// One regulator's service and its store; call <see cref="RegulatorService.InitializeAsync"/>
    /// once the host is built. With <paramref name="exchange"/> naming a gateway, its settlement
    /// statements are queued and a <see cref="SettlementPublisher"/> sends them.
    /// </summary>
    public static IServiceCollection AddRegulator(this IServiceCollection services, RegulatorProfile profile, RegulatorStorageOptions storage, SettlementExchangeOptions? exchange = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => storage.CreateStore());
        services.AddSingleton(exchange ?? new SettlementExchangeOptions());
        SettlementSignal? signal = null;
        if (exchange?.GatewayUrl is not null)
        {
            signal = new SettlementSignal();
            services.AddSingleton(sp => new SettlementPublisher(sp.GetRequiredService<RegulatorService>(), exchange, signal,
                sp.GetService<ILogger<SettlementPublisher>>() ?? NullLogger<SettlementPublisher>.Instance));
            if (exchange.HostPublisher)
            {
                services.AddHostedService(sp => sp.GetRequiredService<SettlementPublisher>());
            }
        }

        services.AddSingleton(sp => new RegulatorService(profile, sp.GetRequiredService<IRegulatorStore>(), sp.GetRequiredService<TimeProvider>(), signal));
        return services;
    }
}

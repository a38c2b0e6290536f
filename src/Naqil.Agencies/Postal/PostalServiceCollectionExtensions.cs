using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
    /// <summary>One post's service and its store; call <see cref="PostalService.InitializeAsync"/> once the host is built.</summary>
    public static IServiceCollection AddPostal(this IServiceCollection services, Post post, PostalStorageOptions storage)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => storage.CreateStore());
        services.AddSingleton(sp => new PostalService(post, sp.GetRequiredService<IPostalStore>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Naqil.Agencies.Documents.Storage;

namespace Naqil.Agencies.Documents;

public static class IssuedDocumentsServiceCollectionExtensions
{
    /// <summary>The issued-documents store, its table created when the host starts (before it listens).</summary>
    public static IServiceCollection AddIssuedDocuments(this IServiceCollection services, IssuedDocumentStorageOptions storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        services.AddSingleton(_ => storage.CreateStore());
        services.AddHostedService<IssuedDocumentsInitializer>();
        return services;
    }
}

internal sealed class IssuedDocumentsInitializer(IIssuedDocumentStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

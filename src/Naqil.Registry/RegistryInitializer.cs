using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Naqil.Registry.Certificates;
using Naqil.Registry.Storage;

namespace Naqil.Registry;

/// <summary>
/// Loads or generates the keys, creates the schema and trusts the sandbox CA in
/// <see cref="StartingAsync"/>: before any hosted service starts, so before Kestrel accepts the
/// first request, and a broken data directory stops the process at start.
/// </summary>
internal sealed class RegistryInitializer(IRegistryStore store, RegistryKeys keys, RegistryOptions options, ILogger<RegistryInitializer> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(options.Instance, cancellationToken);
        await store.EnsureTrustedCaAsync(keys.CaCertificate.RawData, cancellationToken);
        Log.StoreReady(logger, options.Storage, await store.GetSerialAsync(cancellationToken));
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

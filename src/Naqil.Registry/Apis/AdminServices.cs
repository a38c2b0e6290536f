using Microsoft.Extensions.Logging;
using Naqil.Registry.Certificates;
using Naqil.Registry.Storage;

namespace Naqil.Registry.Apis;

/// <summary>What the admin handlers need, bound with <c>[AsParameters]</c>.</summary>
internal sealed class AdminServices(IRegistryStore store, RegistryOptions options, ICertificateAuthority authority, TimeProvider time, ILogger<AdminServices> logger)
{
    public IRegistryStore Store { get; } = store;

    public RegistryOptions Options { get; } = options;

    public ICertificateAuthority Authority { get; } = authority;

    public TimeProvider Time { get; } = time;

    public ILogger Logger { get; } = logger;

    public string Instance => Options.Instance;

    public void Changed(StoreResult result, string entity, string id)
    {
        if (result.Changed)
        {
            Log.RegistryChanged(Logger, result.Outcome.ToString(), entity, id, result.Serial);
        }
    }
}

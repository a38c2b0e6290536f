using Microsoft.Extensions.Logging;
using Naqil.Registry.Certificates;
using Naqil.Registry.Certificates.Pki;
using Naqil.Registry.Storage;

namespace Naqil.Registry.Apis;

/// <summary>What every admin handler needs, injected as one singleton to keep handler signatures short.</summary>
internal sealed class AdminServices(
    IRegistryStore store, ICertificateStore certificates, RegistryOptions options, ICertificateAuthority authority, RegistryPki pki, CrlPublisher crls,
    TimeProvider time, ILogger<AdminServices> logger)
{
    public IRegistryStore Store { get; } = store;

    /// <summary>What the PKI's CAs issued and revoked.</summary>
    public ICertificateStore Certificates { get; } = certificates;

    public RegistryPki Pki { get; } = pki;

    public CrlPublisher Crls { get; } = crls;

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

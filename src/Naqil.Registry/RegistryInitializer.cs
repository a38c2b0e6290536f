using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Naqil.Registry.Certificates;
using Naqil.Registry.Certificates.Pki;
using Naqil.Registry.Storage;

namespace Naqil.Registry;

/// <summary>
/// Loads or generates the keys, creates the schema, trusts the PKI's CAs (and an older data
/// directory's sandbox CA) and records the certificates the registry issued itself (the issuing
/// CAs', the TSA's) in <see cref="StartingAsync"/>: before any hosted service starts, so before
/// Kestrel accepts the first request, and a broken data directory stops the process at start.
/// </summary>
internal sealed class RegistryInitializer(
    IRegistryStore store, ICertificateStore certificates, RegistryKeys keys, RegistryOptions options, ILogger<RegistryInitializer> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(options.Instance, cancellationToken);
        foreach (var ca in new[] { keys.Root.Certificate, keys.GatewayCa.Certificate, keys.SealCa.Certificate, keys.LegacyCaCertificate })
        {
            if (ca is not null)
            {
                await store.EnsureTrustedCaAsync(ca.RawData, cancellationToken);
            }
        }

        foreach (var ca in new[] { keys.GatewayCa, keys.SealCa })
        {
            await certificates.RecordIssuedAsync(RegistryCertificateAuthority.Record(RegistryPki.RootName, CertificateKind.IssuingCa, ca.Certificate), cancellationToken);
        }

        // An older data directory's TSA was issued by its sandbox CA, which has no CRL or OCSP here.
        if (keys.TsaCertificate.IssuerName.RawData.AsSpan().SequenceEqual(keys.GatewayCa.Certificate.SubjectName.RawData))
        {
            await certificates.RecordIssuedAsync(RegistryCertificateAuthority.Record(RegistryPki.GatewayName, CertificateKind.Timestamping, keys.TsaCertificate), cancellationToken);
        }

        Log.StoreReady(logger, options.Storage, await store.GetSerialAsync(cancellationToken));
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

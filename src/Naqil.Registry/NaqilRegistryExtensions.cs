using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Naqil.Configuration;
using Naqil.Registry.Configuration;
using Naqil.Registry.Apis;
using Naqil.Registry.Certificates;
using Naqil.Registry.Certificates.Pki;
using Naqil.Registry.Certificates.Tsa;
using Naqil.Registry.Storage;
using Naqil.Registry.TrustConfiguration;

namespace Naqil.Registry;

/// <summary>How a host composes the registry: <c>services.AddNaqilRegistry(options)</c>, then <c>app.MapNaqilRegistry()</c>.</summary>
public static class NaqilRegistryExtensions
{
    /// <summary>The SQLite file inside <see cref="RegistryOptions.DataDirectory"/>, when <see cref="RegistryOptions.Storage"/> is <c>sqlite</c>.</summary>
    public const string DatabaseFile = "registry.db";

    /// <summary>
    /// Adds one instance's registry: its keys, store, PKI (root, gateway and seal CAs with their CRLs
    /// and OCSP responders; <see cref="RegistryPki"/> describes them), sandbox TSA and trust
    /// configuration publisher.
    /// Options come from <paramref name="options"/> when given, else from the <c>Registry</c>
    /// configuration section; either way they are checked when the host starts (or first resolves
    /// them), and every problem surfaces in one <see cref="OptionsValidationException"/> naming the
    /// keys. Registers <see cref="TimeProvider.System"/> unless a <see cref="TimeProvider"/> is
    /// already registered.
    /// </summary>
    public static IServiceCollection AddNaqilRegistry(this IServiceCollection services, RegistryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<RegistryOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<RegistryOptions>, RegistryOptionsValidator>();
        services.AddSingleton<DataDirectoryLock>();
        services.AddSingleton<IOptionsFactory<RegistryOptions>>(sp => new RegistryOptionsFactory(
            sp, options, sp.GetServices<IValidateOptions<RegistryOptions>>(), sp.GetRequiredService<DataDirectoryLock>()));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<RegistryOptions>>().Value);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => RegistryKeys.LoadOrCreate(
            sp.GetRequiredService<RegistryOptions>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger<RegistryKeys>() ?? NullLogger<RegistryKeys>.Instance));
        services.AddSingleton<IRegistryStore>(sp => RegistryStores.Create(sp.GetRequiredService<RegistryOptions>()));

        // One database: the certificate statements are the same store object's.
        services.AddSingleton(sp => (ICertificateStore)sp.GetRequiredService<IRegistryStore>());
        services.AddSingleton<RegistryPki>();
        services.AddSingleton<ICertificateAuthority, RegistryCertificateAuthority>();
        services.AddSingleton<CrlPublisher>();
        services.AddSingleton<OcspSigners>();
        services.AddSingleton<OcspResponder>();
        services.AddSingleton(sp =>
        {
            var keys = sp.GetRequiredService<RegistryKeys>();
            return new TimestampAuthority(keys.TsaCertificate, keys.TsaKey, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<TrustConfigurationPublisher>();
        services.AddSingleton<AdminServices>();
        services.AddHostedService<RegistryInitializer>();
        return services;
    }

    /// <summary>
    /// Maps the admin API (<c>/admin/v1</c>), the trust API (<c>/trust/v1/config</c>,
    /// <c>/trust/v1/anchor</c>), the PKI (<c>/pki/v1</c>: CA certificates, CRLs, OCSP), the sandbox
    /// TSA (<c>/tsa</c>) and <c>/health</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapNaqilRegistry(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // Asked without resolving the options, which would check (and lock) them before the host starts.
        if (endpoints.ServiceProvider.GetService<IServiceProviderIsService>()?.IsService(typeof(RegistryOptions)) != true)
        {
            throw new InvalidOperationException("MapNaqilRegistry needs the registry's services; call services.AddNaqilRegistry(options) first.");
        }

        endpoints.MapAdminApi();
        endpoints.MapTrustApi();
        endpoints.MapPkiApi();
        endpoints.MapNaqilTimestampAuthority();
        // Anything else, including a known path with a method it does not take, is a problem+json too.
        // "{**path}" rather than the default "{*path:nonfile}", which left paths with a dot in the last segment to a bare 404.
        endpoints.MapFallback("{**path}", (HttpContext context) => RegistryProblem.NotFound(
            $"the registry has no endpoint for {context.Request.Method} {context.Request.Path}; see docs/protocol.md, section 10"));
        return endpoints;
    }
}

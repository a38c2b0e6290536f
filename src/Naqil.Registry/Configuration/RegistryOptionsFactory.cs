using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Naqil.Configuration;

namespace Naqil.Registry.Configuration;

/// <summary>
/// Creates the registry's options, the gateway's way: from the <c>Registry</c> section (its shape
/// checked first, so unknown keys and misshapen values are refused rather than ignored) or from
/// code, then every validator, then the lock on <see cref="RegistryOptions.DataDirectory"/>. The
/// store and the keys take the options, so a second registry on the same directory stops here,
/// before it opens either. Every failure surfaces in one <see cref="OptionsValidationException"/>.
/// </summary>
internal sealed class RegistryOptionsFactory(
    IServiceProvider services, RegistryOptions? fixedOptions, IEnumerable<IValidateOptions<RegistryOptions>> validators, DataDirectoryLock dataDirectory)
    : IOptionsFactory<RegistryOptions>
{
    public RegistryOptions Create(string name)
    {
        var options = fixedOptions ?? Bind(services.GetRequiredService<IConfiguration>().GetSection(RegistryOptions.Section), name);
        var failures = validators.Select(v => v.Validate(name, options)).Where(r => r.Failed).SelectMany(r => r.Failures ?? []).ToList();
        if (failures.Count == 0 && dataDirectory.TryAcquire(options.DataDirectory, "Registry:DataDirectory", "registry") is { } inUse)
        {
            failures.Add(inUse);
        }

        return failures.Count == 0 ? options : throw new OptionsValidationException(name, typeof(RegistryOptions), failures);
    }

    private static RegistryOptions Bind(IConfigurationSection section, string name)
    {
        if (!section.Exists())
        {
            throw new OptionsValidationException(name, typeof(RegistryOptions),
                ["the configuration has no Registry section; put the registry's settings under \"Registry\" (see docs/operations.md)"]);
        }

        var problems = ConfigurationShape.Check(section, typeof(RegistryOptions));
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(name, typeof(RegistryOptions), problems);
        }

        try
        {
            return section.Get<RegistryOptions>() ?? new RegistryOptions();
        }
        catch (InvalidOperationException e)
        {
            throw new OptionsValidationException(name, typeof(RegistryOptions), [e.Message]);
        }
    }
}

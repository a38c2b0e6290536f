using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Naqil.Configuration;

namespace Naqil.Gateway.Configuration;

/// <summary>
/// Creates the gateway's options: from the <c>Gateway</c> section (after checking that every key
/// is known and every value has its shape, which the binder would otherwise ignore or drop) or
/// from code (immutable records cannot be configured by mutation), then runs every registered
/// validator, then locks <see cref="GatewayOptions.DataDirectory"/> for this process. Every part of
/// the gateway reads its options before it touches the data directory, so a second gateway on the
/// same directory stops here, before it opens the message log. All failures surface as one
/// <see cref="OptionsValidationException"/> listing them.
/// </summary>
internal sealed class GatewayOptionsFactory(
    IServiceProvider services, GatewayOptions? fixedOptions, IEnumerable<IValidateOptions<GatewayOptions>> validators, DataDirectoryLock dataDirectory)
    : IOptionsFactory<GatewayOptions>
{
    public GatewayOptions Create(string name)
    {
        var options = fixedOptions ?? Bind(services.GetRequiredService<IConfiguration>().GetSection(GatewayOptions.Section), name);
        var failures = new List<string>();
        foreach (var validator in validators)
        {
            var result = validator.Validate(name, options);
            if (result.Failed)
            {
                failures.AddRange(result.Failures);
            }
        }

        if (failures.Count == 0 && dataDirectory.TryAcquire(options.DataDirectory, "Gateway:DataDirectory", "gateway") is { } inUse)
        {
            failures.Add(inUse);
        }

        return failures.Count == 0 ? options : throw new OptionsValidationException(name, typeof(GatewayOptions), failures);
    }

    private static GatewayOptions Bind(IConfigurationSection section, string name)
    {
        if (!section.Exists())
        {
            throw new OptionsValidationException(name, typeof(GatewayOptions),
                ["the configuration has no Gateway section; put the gateway's settings under \"Gateway\" (see docs/operations.md)"]);
        }

        var problems = ConfigurationShape.Check(section, typeof(GatewayOptions));
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(name, typeof(GatewayOptions), problems);
        }

        try
        {
            return section.Get<GatewayOptions>() ?? new GatewayOptions();
        }
        catch (InvalidOperationException e)
        {
            // A value the shape check let through but the binder cannot convert.
            throw new OptionsValidationException(name, typeof(GatewayOptions), [e.Message]);
        }
    }
}

/// <summary>Registers the gateway's options with their validators and the data directory lock.</summary>
internal static class GatewayOptionsRegistration
{
    public static void AddGatewayOptions(this IServiceCollection services, GatewayOptions? options)
    {
        services.AddOptions<GatewayOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        services.AddSingleton<DataDirectoryLock>();
        services.AddSingleton<IOptionsFactory<GatewayOptions>>(sp => new GatewayOptionsFactory(
            sp, options, sp.GetServices<IValidateOptions<GatewayOptions>>(), sp.GetRequiredService<DataDirectoryLock>()));
    }
}

using Microsoft.Extensions.Options;

namespace Naqil.Registry.Configuration;

/// <summary>Stops the registry at start when its configuration is wrong: one validator per concern, every failure reported.</summary>
internal sealed class RegistryOptionsValidator : IValidateOptions<RegistryOptions>
{
    internal static readonly IReadOnlyList<IRegistryOptionsValidator> Concerns =
    [
        new InstanceValidator(),
        new StorageValidator(),
        new AdminTokenValidator(),
        new AddressesValidator(),
        new TrustConfigurationValidator(),
        new TsasValidator(),
    ];

    public ValidateOptionsResult Validate(string? name, RegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var concern in Concerns)
        {
            concern.Validate(options, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

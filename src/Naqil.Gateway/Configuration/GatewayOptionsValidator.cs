using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration.Validation;

namespace Naqil.Gateway.Configuration;

/// <summary>
/// Stops the gateway at start when its configuration is wrong: runs one validator per concern
/// (<see cref="Validation"/>) and reports every failure, each naming the key and the fix.
/// </summary>
internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    /// <summary>The concerns, in the order an operator reads the file.</summary>
    internal static readonly IReadOnlyList<IGatewayOptionsValidator> Concerns =
    [
        new IdentityValidator(),
        new AddressesValidator(),
        new KeyFilesValidator(),
        new StorageValidator(),
        new AdminTokenValidator(),
        new LimitsValidator(),
        new ClientsValidator(),
        new ServicesValidator(),
        new AclValidator(),
        new TimestampingValidator(),
        new BodyPoliciesValidator(),
        new EventsValidator(),
    ];

    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
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

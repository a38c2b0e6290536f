using Microsoft.Extensions.Options;

namespace Naqil.Gateway.Configuration;

/// <summary>
/// Supplies options built in code (immutable records cannot be configured by mutation) while
/// still running every registered validator, so code and files fail the same way.
/// </summary>
internal sealed class FixedOptionsFactory<T>(T value, IEnumerable<IValidateOptions<T>> validators) : IOptionsFactory<T>
    where T : class
{
    public T Create(string name)
    {
        var failures = new List<string>();
        foreach (var validator in validators)
        {
            var result = validator.Validate(name, value);
            if (result.Failed)
            {
                failures.AddRange(result.Failures);
            }
        }

        return failures.Count == 0 ? value : throw new OptionsValidationException(name, typeof(T), failures);
    }
}

using Naqil.Identifiers;

namespace Naqil.Registry.Configuration;

/// <summary>
/// Checks one concern of a registry's configuration. Each failure is one sentence naming the key,
/// such as <c>Registry:AdminToken</c>, and the fix.
/// </summary>
internal interface IRegistryOptionsValidator
{
    void Validate(RegistryOptions options, List<string> failures);
}

/// <summary>The instance the registry is the authority of, and where it keeps its state.</summary>
internal sealed class InstanceValidator : IRegistryOptionsValidator
{
    public void Validate(RegistryOptions options, List<string> failures)
    {
        if (Identifier.CheckInstance(options.Instance ?? "") is { } error)
        {
            failures.Add($"Registry:Instance: {error}; write this registry's instance, such as SY");
        }

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add("Registry:DataDirectory is empty; name the folder that holds the registry's database and keys, such as /var/lib/naqil/registry");
        }
    }
}

/// <summary>Which store holds the registry's entries, and how to reach it.</summary>
internal sealed class StorageValidator : IRegistryOptionsValidator
{
    public void Validate(RegistryOptions options, List<string> failures)
    {
        if (options.Storage is not ("sqlite" or "postgresql"))
        {
            failures.Add($"Registry:Storage is '{options.Storage}'; use sqlite (the default, a file in Registry:DataDirectory) or postgresql");
        }
        else if (options.Storage == "postgresql" && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add("Registry:ConnectionString is empty; PostgreSQL needs one such as Host=127.0.0.1;Username=naqil;Database=naqil_registry");
        }
        else if (options.Storage == "sqlite" && !string.IsNullOrEmpty(options.ConnectionString))
        {
            // Refused rather than ignored: whoever wrote it meant the registry to use that database.
            failures.Add($"Registry:ConnectionString is set but Registry:Storage is sqlite, whose database is always {NaqilRegistryExtensions.DatabaseFile} in Registry:DataDirectory; set Registry:Storage to postgresql, or remove Registry:ConnectionString");
        }
    }
}

/// <summary>The admin API's bearer token. Its value is never repeated in a message.</summary>
internal sealed class AdminTokenValidator : IRegistryOptionsValidator
{
    public void Validate(RegistryOptions options, List<string> failures)
    {
        if (options.AdminToken is null || options.AdminToken.Length < RegistryOptions.MinimumAdminTokenLength)
        {
            failures.Add($"Registry:AdminToken must be at least {RegistryOptions.MinimumAdminTokenLength} characters; generate one, e.g. with `openssl rand -hex 24`");
        }
        else if (options.AdminToken.Any(char.IsWhiteSpace))
        {
            failures.Add("Registry:AdminToken contains whitespace, which cannot travel in an Authorization header; generate one, e.g. with `openssl rand -hex 24`");
        }
    }
}

/// <summary>Where the registry listens and how gateways reach it.</summary>
internal sealed class AddressesValidator : IRegistryOptionsValidator
{
    public void Validate(RegistryOptions options, List<string> failures)
    {
        if (!IsHttpUrl(options.Url, out var url) || url.AbsolutePath != "/" || url.Query.Length > 0)
        {
            failures.Add($"Registry:Url is '{options.Url}'; write where the registry listens as an http or https URL without a path, such as {RegistryOptions.DefaultUrl}");
        }

        if (options.PublicUrl is not null && !IsHttpUrl(options.PublicUrl, out _))
        {
            failures.Add($"Registry:PublicUrl is '{options.PublicUrl}'; write the registry's base URL as gateways reach it, such as https://registry.sy.example, or leave it unset");
        }
    }

    internal static bool IsHttpUrl(string? value, out Uri url) =>
        Uri.TryCreate(value, UriKind.Absolute, out url!) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp);
}

/// <summary>The signed trust configuration: how long each one lives.</summary>
internal sealed class TrustConfigurationValidator : IRegistryOptionsValidator
{
    public void Validate(RegistryOptions options, List<string> failures)
    {
        if (options.ConfigurationLifetime < TimeSpan.FromSeconds(10) || options.ConfigurationLifetime > TimeSpan.FromDays(7))
        {
            failures.Add($"Registry:ConfigurationLifetime is {options.ConfigurationLifetime}; use a duration between 00:00:10 and 7.00:00:00, minutes are typical (default 00:10:00)");
        }
    }
}

/// <summary>External time-stamping authorities published in the trust configuration.</summary>
internal sealed class TsasValidator : IRegistryOptionsValidator
{
    public void Validate(RegistryOptions options, List<string> failures)
    {
        for (var i = 0; i < options.Tsas.Count; i++)
        {
            var tsa = options.Tsas[i];
            if (!AddressesValidator.IsHttpUrl(tsa.Url, out _))
            {
                failures.Add($"Registry:Tsas:{i}:Url is '{tsa.Url}'; write the http or https URL of an RFC 3161 TSA, such as https://tsa.example/tsa");
            }

            if (string.IsNullOrWhiteSpace(tsa.CertificateFile) || !File.Exists(tsa.CertificateFile))
            {
                failures.Add($"Registry:Tsas:{i}:CertificateFile is '{tsa.CertificateFile}', which is not an existing file; point it at the TSA's PEM certificate");
            }
        }
    }
}

using Naqil.Identifiers;

namespace Naqil.Registry;

/// <summary>Settings of one instance's registry. Checked by <see cref="NaqilRegistryExtensions.AddNaqilRegistry"/>, which throws on invalid options.</summary>
public sealed record RegistryOptions
{
    public const int MinimumAdminTokenLength = 16;

    /// <summary>The instance this registry is the authority of, e.g. <c>SY</c>.</summary>
    public required string Instance { get; init; }

    /// <summary>Where the SQLite database and the registry's keys live. Created when missing.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Bearer token of the admin API; at least <see cref="MinimumAdminTokenLength"/> characters.</summary>
    public required string AdminToken { get; init; }

    /// <summary>How long a signed trust configuration stays valid. Gateways fail closed after it.</summary>
    public TimeSpan ConfigurationLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The registry's base URL as gateways reach it; informational.</summary>
    public string? PublicUrl { get; init; }

    /// <summary>
    /// External RFC 3161 TSAs to publish in the trust configuration (production). When empty, the
    /// registry publishes its own sandbox TSA at <see cref="PublicUrl"/><c>/tsa</c>, if that is set.
    /// </summary>
    public IReadOnlyList<ExternalTsaOptions> Tsas { get; init; } = [];

    /// <summary>Every problem with these options, each a sentence naming the option and the fix; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Identifier.CheckInstance(Instance ?? string.Empty) is { } instanceError)
        {
            errors.Add($"{nameof(RegistryOptions)}.{nameof(Instance)}: {instanceError}.");
        }

        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            errors.Add($"{nameof(RegistryOptions)}.{nameof(DataDirectory)} is empty; set it to the directory that holds the registry's database and keys.");
        }

        if (AdminToken is null || AdminToken.Length < MinimumAdminTokenLength)
        {
            errors.Add($"{nameof(RegistryOptions)}.{nameof(AdminToken)} must be at least {MinimumAdminTokenLength} characters; generate a long random token.");
        }
        else if (AdminToken.Any(char.IsWhiteSpace))
        {
            errors.Add($"{nameof(RegistryOptions)}.{nameof(AdminToken)} contains whitespace, which cannot travel in an Authorization header; use a token without spaces.");
        }

        if (ConfigurationLifetime < TimeSpan.FromSeconds(10) || ConfigurationLifetime > TimeSpan.FromDays(7))
        {
            errors.Add($"{nameof(RegistryOptions)}.{nameof(ConfigurationLifetime)} is {ConfigurationLifetime}; it must be between 10 seconds and 7 days (minutes are typical).");
        }

        if (PublicUrl is not null
            && (!Uri.TryCreate(PublicUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)))
        {
            errors.Add($"{nameof(RegistryOptions)}.{nameof(PublicUrl)} '{PublicUrl}' is not an absolute http(s) URL; set it to the registry's base URL or leave it unset.");
        }

        for (var i = 0; i < Tsas.Count; i++)
        {
            var tsa = Tsas[i];
            if (!Uri.TryCreate(tsa.Url, UriKind.Absolute, out var tsaUrl) || (tsaUrl.Scheme != Uri.UriSchemeHttps && tsaUrl.Scheme != Uri.UriSchemeHttp))
            {
                errors.Add($"{nameof(RegistryOptions)}.{nameof(Tsas)}[{i}].Url '{tsa.Url}' is not an absolute http(s) URL of an RFC 3161 TSA.");
            }

            if (string.IsNullOrWhiteSpace(tsa.CertificateFile) || !File.Exists(tsa.CertificateFile))
            {
                errors.Add($"{nameof(RegistryOptions)}.{nameof(Tsas)}[{i}].CertificateFile '{tsa.CertificateFile}' is not an existing file; point it at the TSA's PEM certificate.");
            }
        }

        return errors;
    }
}

/// <summary>An external time-stamping authority: where RFC 3161 requests go and the certificate its tokens verify with.</summary>
public sealed record ExternalTsaOptions
{
    public string Url { get; init; } = "";

    /// <summary>PEM file with the TSA's certificate.</summary>
    public string CertificateFile { get; init; } = "";
}

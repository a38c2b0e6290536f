using System.Net;

namespace Naqil.Gateway.Configuration.Validation;

/// <summary>Where the gateway listens (<c>ConsumerUrl</c>, <c>ProviderUrl</c>) and where it fetches its trust configuration.</summary>
internal sealed class AddressesValidator : IGatewayOptionsValidator
{
    public void Validate(GatewayOptions options, List<string> failures)
    {
        Urls.RequireAbsolute(failures, "Gateway:TrustConfigurationUrl", options.TrustConfigurationUrl, "http://127.0.0.1:4100/trust/v1/config");
        RequireListener(failures, "Gateway:ConsumerUrl", options.ConsumerUrl, httpsOnly: false, "http://127.0.0.1:8080");
        RequireListener(failures, "Gateway:ProviderUrl", options.ProviderUrl, httpsOnly: true, "https://127.0.0.1:8443");
    }

    private static void RequireListener(List<string> failures, string key, string value, bool httpsOnly, string example)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && (httpsOnly || uri.Scheme != Uri.UriSchemeHttp)))
        {
            failures.Add($"{key} is '{value}'; it must be an absolute {(httpsOnly ? "https" : "http or https")} URL such as {example}");
        }
        else if (uri.Host is not ("localhost" or "0.0.0.0") && !IPAddress.TryParse(uri.Host, out _))
        {
            failures.Add($"{key} is '{value}'; a listener needs an IP address (or localhost, or 0.0.0.0 for every address), such as {example}");
        }
    }
}

/// <summary>The URL check every validator shares.</summary>
internal static class Urls
{
    public static void RequireAbsolute(List<string> failures, string key, string value, string example)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"{key} is '{value}'; it must be an absolute http or https URL such as {example}");
        }
    }
}

namespace Naqil.Gateway.Configuration.Validation;

/// <summary>The admin API's bearer token. Its value is never repeated in a message.</summary>
internal sealed class AdminTokenValidator : IGatewayOptionsValidator
{
    public const int MinimumLength = 16;

    public void Validate(GatewayOptions options, List<string> failures)
    {
        if (options.AdminToken.Length < MinimumLength)
        {
            failures.Add($"Gateway:AdminToken must be at least {MinimumLength} characters; generate one, e.g. with `openssl rand -hex 24`");
        }
        else if (options.AdminToken.Any(char.IsWhiteSpace))
        {
            failures.Add("Gateway:AdminToken contains whitespace, which cannot travel in an Authorization header; generate one, e.g. with `openssl rand -hex 24`");
        }
    }
}

using Microsoft.Extensions.Options;
using Naqil.Identifiers;

namespace Naqil.Gateway.Configuration;

/// <summary>
/// Stops the gateway at start when its configuration is wrong, naming the key and the fix.
/// </summary>
internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        if (!MemberId.TryParse(options.Member, out var member, out var error))
        {
            failures.Add($"Gateway:Member: {error}");
        }

        if (Identifier.CheckSegment(options.Code, "gateway code") is { } codeError)
        {
            failures.Add($"Gateway:Code: {codeError}");
        }

        RequireAbsoluteUrl(failures, "Gateway:TrustConfigurationUrl", options.TrustConfigurationUrl, httpsOnly: false);
        RequireAbsoluteUrl(failures, "Gateway:ConsumerUrl", options.ConsumerUrl, httpsOnly: false);
        RequireAbsoluteUrl(failures, "Gateway:ProviderUrl", options.ProviderUrl, httpsOnly: true);
        RequireFile(failures, "Gateway:AnchorFile", options.AnchorFile);
        RequireFile(failures, "Gateway:TlsCertificateFile", options.TlsCertificateFile);
        RequireFile(failures, "Gateway:TlsKeyFile", options.TlsKeyFile);
        RequireFile(failures, "Gateway:SigningCertificateFile", options.SigningCertificateFile);
        RequireFile(failures, "Gateway:SigningKeyFile", options.SigningKeyFile);
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add("Gateway:DataDirectory is empty; name a folder where the gateway keeps its database");
        }

        if (options.AdminToken.Length < 16)
        {
            failures.Add("Gateway:AdminToken must be at least 16 characters; generate one, e.g. with `openssl rand -hex 24`");
        }

        if (options.MaxBodyBytes is < 1024 or > 1L << 31)
        {
            failures.Add($"Gateway:MaxBodyBytes is {options.MaxBodyBytes}; use a value between 1024 and 2147483648");
        }

        if (options.MaxClockSkew <= TimeSpan.Zero || options.MaxClockSkew > TimeSpan.FromMinutes(10))
        {
            failures.Add($"Gateway:MaxClockSkew is {options.MaxClockSkew}; use a value between 00:00:01 and 00:10:00");
        }

        if (options.ReplayCacheCapacity < 1000)
        {
            failures.Add($"Gateway:ReplayCacheCapacity is {options.ReplayCacheCapacity}; use at least 1000");
        }

        if (options.MaxConnectionsPerPeer is < 1 or > 100_000)
        {
            failures.Add($"Gateway:MaxConnectionsPerPeer is {options.MaxConnectionsPerPeer}; use a value between 1 and 100000 (default 128)");
        }

        if (options.ConnectTimeout <= TimeSpan.Zero || options.ResponseTimeout <= TimeSpan.Zero || options.TrustPollInterval <= TimeSpan.Zero)
        {
            failures.Add("Gateway:ConnectTimeout, ResponseTimeout and TrustPollInterval must be positive durations such as 00:00:05");
        }

        if (options.NativeHeapTrimInterval < TimeSpan.Zero)
        {
            failures.Add($"Gateway:NativeHeapTrimInterval is {options.NativeHeapTrimInterval}; use a positive duration such as 00:00:30, or 00:00:00 to turn trimming off");
        }

        for (var i = 0; i < options.AllowedPartners.Count; i++)
        {
            if (Identifier.CheckInstance(options.AllowedPartners[i]) is { } partnerError)
            {
                failures.Add($"Gateway:AllowedPartners:{i}: {partnerError}");
            }
            else if (member is not null && options.AllowedPartners[i] == member.Instance)
            {
                failures.Add($"Gateway:AllowedPartners:{i} names this gateway's own instance {member.Instance}; list only other instances");
            }
        }

        for (var i = 0; i < options.Clients.Count; i++)
        {
            var client = options.Clients[i];
            if (!SubsystemId.TryParse(client.Subsystem, out var subsystem, out error))
            {
                failures.Add($"Gateway:Clients:{i}:Subsystem: {error}");
            }
            else if (member is not null && subsystem.Member != member)
            {
                failures.Add($"Gateway:Clients:{i}:Subsystem '{subsystem}' belongs to {subsystem.Member}, not to this gateway's member {member}");
            }

            foreach (var hash in client.ApiKeySha256.Concat(client.CertificateSha256))
            {
                if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigit))
                {
                    failures.Add($"Gateway:Clients:{i}: '{hash}' is not a hex SHA-256 (64 hex digits); compute it with `printf %s KEY | sha256sum`");
                }
            }
        }

        for (var i = 0; i < options.Services.Count; i++)
        {
            var service = options.Services[i];
            if (!ServiceId.TryParse(service.Service, out var serviceId, out error))
            {
                failures.Add($"Gateway:Services:{i}:Service: {error}");
            }
            else if (member is not null && serviceId.Member != member)
            {
                failures.Add($"Gateway:Services:{i}:Service '{serviceId}' belongs to {serviceId.Member}, not to this gateway's member {member}");
            }

            RequireAbsoluteUrl(failures, $"Gateway:Services:{i}:Backend", service.Backend, httpsOnly: false);
        }

        for (var i = 0; i < options.Acl.Count; i++)
        {
            if (AclRuleValidation.Check(options.Acl[i]) is { } aclError)
            {
                failures.Add($"Gateway:Acl:{i}: {aclError}");
            }
        }

        MessageLogOptionsValidation.Check(options.MessageLog, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequireAbsoluteUrl(List<string> failures, string key, string value, bool httpsOnly)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && (httpsOnly || uri.Scheme != Uri.UriSchemeHttp)))
        {
            failures.Add($"{key} is '{value}'; it must be an absolute {(httpsOnly ? "https" : "http or https")} URL such as {(httpsOnly ? "https" : "http")}://127.0.0.1:8443");
        }
    }

    private static void RequireFile(List<string> failures, string key, string path)
    {
        if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
        {
            failures.Add($"{key} is '{path}', which is not an existing file; point it at the PEM file");
        }
    }
}

internal static class MessageLogOptionsValidation
{
    public static readonly string[] Policies = ["full", "metadata", "none"];

    public static void Check(MessageLogOptions log, List<string> failures)
    {
        if (log.Storage is not ("sqlite" or "postgresql"))
        {
            failures.Add($"Gateway:MessageLog:Storage is '{log.Storage}'; use sqlite or postgresql");
        }
        else if (log.Storage == "postgresql" && string.IsNullOrWhiteSpace(log.ConnectionString))
        {
            failures.Add("Gateway:MessageLog:ConnectionString is empty; PostgreSQL needs one such as Host=127.0.0.1;Username=naqil;Database=naqil_log");
        }

        if (log.TreeHeadInterval <= TimeSpan.Zero || log.TreeHeadInterval > TimeSpan.FromMinutes(10))
        {
            failures.Add($"Gateway:MessageLog:TreeHeadInterval is {log.TreeHeadInterval}; use a value between 00:00:00.1 and 00:10:00");
        }

        if (log.TimestampInterval < log.TreeHeadInterval || log.TimestampInterval > TimeSpan.FromDays(1))
        {
            failures.Add($"Gateway:MessageLog:TimestampInterval is {log.TimestampInterval}; use at least the TreeHeadInterval and at most a day");
        }

        if (log.TimestampGracePeriod < TimeSpan.Zero)
        {
            failures.Add($"Gateway:MessageLog:TimestampGracePeriod is {log.TimestampGracePeriod}; use a duration such as 01:00:00");
        }

        if (log.TsaUrl.Length > 0)
        {
            if (!Uri.TryCreate(log.TsaUrl, UriKind.Absolute, out var tsa) || (tsa.Scheme != Uri.UriSchemeHttp && tsa.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"Gateway:MessageLog:TsaUrl is '{log.TsaUrl}'; it must be an absolute http or https URL such as https://tsa.example/tsa");
            }

            if (string.IsNullOrWhiteSpace(log.TsaCertificateFile) || !File.Exists(log.TsaCertificateFile))
            {
                failures.Add($"Gateway:MessageLog:TsaCertificateFile is '{log.TsaCertificateFile}', which is not an existing file; a TsaUrl needs the TSA's PEM certificate");
            }
        }

        if (!Policies.Contains(log.DefaultBodyPolicy))
        {
            failures.Add($"Gateway:MessageLog:DefaultBodyPolicy is '{log.DefaultBodyPolicy}'; use full, metadata or none");
        }

        for (var i = 0; i < log.BodyPolicies.Count; i++)
        {
            var rule = log.BodyPolicies[i];
            if (!SubsystemId.TryParse(rule.Subsystem, out _, out var error))
            {
                failures.Add($"Gateway:MessageLog:BodyPolicies:{i}:Subsystem: {error}");
            }

            if (!Policies.Contains(rule.Policy))
            {
                failures.Add($"Gateway:MessageLog:BodyPolicies:{i}:Policy is '{rule.Policy}'; use full, metadata or none");
            }
        }

        if (log.BodyRetention is { } retention && retention <= TimeSpan.Zero)
        {
            failures.Add($"Gateway:MessageLog:BodyRetention is {retention}; use a positive duration such as 180.00:00:00, or leave it unset to keep bodies");
        }

        if (log.PurgeInterval <= TimeSpan.Zero)
        {
            failures.Add($"Gateway:MessageLog:PurgeInterval is {log.PurgeInterval}; use a positive duration such as 01:00:00");
        }

        if (log.MaxBatch is < 1 or > 65536)
        {
            failures.Add($"Gateway:MessageLog:MaxBatch is {log.MaxBatch}; use a value between 1 and 65536");
        }
    }
}

internal static class AclRuleValidation
{
    private static readonly HashSet<string> KnownMethods = new(StringComparer.Ordinal) { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS" };

    /// <summary>Null when the rule is well formed, else what is wrong with it.</summary>
    public static string? Check(AclRuleOptions rule)
    {
        if (!ServiceId.TryParse(rule.Service, out _, out var error))
        {
            return $"service: {error}";
        }

        if (!SubsystemId.TryParse(rule.Client, out _, out error))
        {
            return $"client: {error}";
        }

        foreach (var method in rule.Methods)
        {
            if (!KnownMethods.Contains(method))
            {
                return $"method '{method}' is not one of {string.Join(", ", KnownMethods)} (upper case)";
            }
        }

        if (rule.PathPrefix.Length > 0 && (rule.PathPrefix[0] != '/' || rule.PathPrefix.Contains("..", StringComparison.Ordinal) || rule.PathPrefix.Contains('%', StringComparison.Ordinal)))
        {
            return $"path prefix '{rule.PathPrefix}' must start with '/' and contain neither '..' nor '%'";
        }

        return null;
    }
}

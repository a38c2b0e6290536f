using Naqil.Identifiers;

namespace Naqil.Gateway.Configuration;

/// <summary>One access rule's check, shared by the configuration and the admin API.</summary>
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

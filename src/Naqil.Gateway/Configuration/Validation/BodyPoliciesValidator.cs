using Naqil.Identifiers;

namespace Naqil.Gateway.Configuration.Validation;

/// <summary>What the message log keeps of bodies, and for how long (<c>Gateway:MessageLog</c>).</summary>
internal sealed class BodyPoliciesValidator : IGatewayOptionsValidator
{
    public static readonly string[] Policies = ["full", "metadata", "none"];

    public void Validate(GatewayOptions options, List<string> failures)
    {
        var log = options.MessageLog;
        if (!Policies.Contains(log.DefaultBodyPolicy))
        {
            failures.Add($"Gateway:MessageLog:DefaultBodyPolicy is '{log.DefaultBodyPolicy}'; use full, metadata or none");
        }

        for (var i = 0; i < log.BodyPolicies.Count; i++)
        {
            var rule = log.BodyPolicies[i];
            if (!SubsystemId.TryParse(rule.Subsystem, out _, out var error))
            {
                failures.Add($"Gateway:MessageLog:BodyPolicies:{i}:Subsystem: {error}; write a client or service subsystem such as SY/GOV/MOCT/portal");
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

        LimitsValidator.RequirePositive(failures, "Gateway:MessageLog:PurgeInterval", log.PurgeInterval, "01:00:00");
    }
}

namespace Naqil.Gateway.Configuration.Validation;

/// <summary>The access rules loaded at start.</summary>
internal sealed class AclValidator : IGatewayOptionsValidator
{
    public void Validate(GatewayOptions options, List<string> failures)
    {
        for (var i = 0; i < options.Acl.Count; i++)
        {
            if (AclRuleValidation.Check(options.Acl[i]) is { } error)
            {
                failures.Add($"Gateway:Acl:{i}: {error}");
            }
        }
    }
}

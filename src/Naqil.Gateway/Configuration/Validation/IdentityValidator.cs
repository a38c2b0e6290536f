using Naqil.Identifiers;

namespace Naqil.Gateway.Configuration.Validation;

/// <summary>Who the gateway is: <c>Member</c>, <c>Code</c>, and the federation partners it deals with.</summary>
internal sealed class IdentityValidator : IGatewayOptionsValidator
{
    public void Validate(GatewayOptions options, List<string> failures)
    {
        if (!MemberId.TryParse(options.Member, out var member, out var error))
        {
            failures.Add($"Gateway:Member: {error}; write the member this gateway serves, such as SY/GOV/CIVREG");
        }

        if (Identifier.CheckSegment(options.Code, "gateway code") is { } codeError)
        {
            failures.Add($"Gateway:Code: {codeError}; write the code the registry lists for this gateway, such as gw1");
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
    }
}

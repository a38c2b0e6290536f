using Naqil.Identifiers;

namespace Naqil.Gateway.Configuration.Validation;

/// <summary>The services provided behind this gateway and their backends.</summary>
internal sealed class ServicesValidator : IGatewayOptionsValidator
{
    public void Validate(GatewayOptions options, List<string> failures)
    {
        MemberId.TryParse(options.Member, out var member, out _);
        for (var i = 0; i < options.Services.Count; i++)
        {
            var service = options.Services[i];
            if (!ServiceId.TryParse(service.Service, out var serviceId, out var error))
            {
                failures.Add($"Gateway:Services:{i}:Service: {error}; write a service of this gateway's member, such as {options.Member}/registry/persons");
            }
            else if (member is not null && serviceId.Member != member)
            {
                failures.Add($"Gateway:Services:{i}:Service '{serviceId}' belongs to {serviceId.Member}, not to this gateway's member {member}; a service is provided by its own member's gateway");
            }

            Urls.RequireAbsolute(failures, $"Gateway:Services:{i}:Backend", service.Backend, "http://127.0.0.1:5000");
        }
    }
}

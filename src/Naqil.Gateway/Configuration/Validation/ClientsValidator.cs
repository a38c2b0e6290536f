using Naqil.Identifiers;

namespace Naqil.Gateway.Configuration.Validation;

/// <summary>The member's information systems allowed on the consumer face, and their credentials.</summary>
internal sealed class ClientsValidator : IGatewayOptionsValidator
{
    public void Validate(GatewayOptions options, List<string> failures)
    {
        MemberId.TryParse(options.Member, out var member, out _);
        for (var i = 0; i < options.Clients.Count; i++)
        {
            var client = options.Clients[i];
            if (!SubsystemId.TryParse(client.Subsystem, out var subsystem, out var error))
            {
                failures.Add($"Gateway:Clients:{i}:Subsystem: {error}; write a subsystem of this gateway's member, such as {options.Member}/portal");
            }
            else if (member is not null && subsystem.Member != member)
            {
                failures.Add($"Gateway:Clients:{i}:Subsystem '{subsystem}' belongs to {subsystem.Member}, not to this gateway's member {member}; a client is served by its own member's gateway");
            }

            RequireHashes(failures, $"Gateway:Clients:{i}:ApiKeySha256", client.ApiKeySha256, "compute it with `printf %s KEY | sha256sum`");
            RequireHashes(failures, $"Gateway:Clients:{i}:CertificateSha256", client.CertificateSha256, "compute it with `openssl x509 -in CERT -outform der | sha256sum`");
        }
    }

    private static void RequireHashes(List<string> failures, string key, IReadOnlyList<string> hashes, string fix)
    {
        for (var j = 0; j < hashes.Count; j++)
        {
            if (hashes[j].Length != 64 || !hashes[j].All(char.IsAsciiHexDigit))
            {
                failures.Add($"{key}:{j} is not a hex SHA-256 (64 hex digits); {fix}");
            }
        }
    }
}

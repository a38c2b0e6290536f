using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;

namespace Naqil.Gateway.ConsumerFace;

/// <summary>
/// Decides whether the caller on the consumer face may speak for the client subsystem it names:
/// by API key (only its SHA-256 is configured), by TLS client certificate, or — where the operator
/// allowed it, as in the sandbox — by calling from a loopback address. A key that is presented
/// must be right; a wrong key never falls back to the loopback allowance.
/// </summary>
internal sealed class ClientAuthenticator
{
    private readonly Dictionary<string, ClientCredentials> _clients;

    public ClientAuthenticator(IOptions<GatewayOptions> options) =>
        _clients = options.Value.Clients.ToDictionary(
            c => c.Subsystem,
            c => new ClientCredentials(
                c.ApiKeySha256.Select(h => Convert.FromHexString(h)).ToArray(),
                c.CertificateSha256.Select(h => Convert.FromHexString(h)).ToArray(),
                c.AllowUnauthenticatedLoopback),
            StringComparer.Ordinal);

    /// <summary>Null when the caller is authenticated as <paramref name="client"/>, else why not.</summary>
    public string? Authenticate(HttpContext context, string client)
    {
        if (!_clients.TryGetValue(client, out var credentials))
        {
            return $"{client} is not configured as a client of this gateway; the operator adds it under Gateway:Clients";
        }

        var apiKey = context.Request.Headers[NaqilHeaders.ApiKey];
        if (apiKey.Count > 0)
        {
            return Matches(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey.ToString())), credentials.ApiKeyHashes)
                ? null
                : $"the {NaqilHeaders.ApiKey} presented is not a key of {client}";
        }

        if (context.Connection.ClientCertificate is { } certificate)
        {
            return Matches(certificate.GetCertHash(HashAlgorithmName.SHA256), credentials.CertificateHashes)
                ? null
                : $"the TLS client certificate is not one configured for {client}";
        }

        if (credentials.AllowLoopback && context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address))
        {
            return null;
        }

        return $"no credentials: send {NaqilHeaders.ApiKey} or a TLS client certificate configured for {client}";
    }

    private static bool Matches(byte[] hash, byte[][] accepted)
    {
        var found = false;
        foreach (var candidate in accepted)
        {
            found |= CryptographicOperations.FixedTimeEquals(hash, candidate);
        }

        return found;
    }

    private sealed record ClientCredentials(byte[][] ApiKeyHashes, byte[][] CertificateHashes, bool AllowLoopback);
}

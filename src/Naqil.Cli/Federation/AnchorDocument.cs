using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Naqil.Trust;

namespace Naqil.Cli.Federation;

/// <summary>
/// An instance's anchor as it is handed to a federation partner out of band: the registry's
/// certificate, where its trust configuration is served, and the instance code. The thumbprint is
/// what the two operators read to each other to confirm the file arrived unaltered.
/// </summary>
internal sealed record AnchorDocument(string Instance, string Certificate, string ConfigUrl, string Thumbprint)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>
    /// Reads the anchor from a running registry and checks that its published configuration
    /// verifies with it, so a wrong URL or certificate is caught before the file leaves.
    /// </summary>
    public static async Task<AnchorDocument> FetchAsync(string registryUrl, string? publicConfigUrl, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(registryUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
        var pem = await http.GetStringAsync("trust/v1/anchor", cancellationToken);
        using var certificate = X509Certificate2.CreateFromPem(pem);
        using var response = await http.GetAsync("trust/v1/config", cancellationToken);
        response.EnsureSuccessStatusCode();
        var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var jws = response.Headers.TryGetValues(SignedTrustConfiguration.SignatureHeader, out var values) ? values.First() : null;
        if (!SignedTrustConfiguration.TryVerify(payload, jws, certificate, out var signed, out var error))
        {
            throw new InvalidOperationException($"the registry at {registryUrl} serves a configuration that does not verify with its own anchor: {error}");
        }

        return new AnchorDocument(signed.Configuration.Instance, pem.Trim(), publicConfigUrl ?? $"{registryUrl.TrimEnd('/')}/trust/v1/config", SignedTrustConfiguration.Thumbprint(certificate));
    }

    public static AnchorDocument Read(string path)
    {
        var anchor = JsonSerializer.Deserialize<AnchorDocument>(File.ReadAllText(path), Json)
            ?? throw new InvalidOperationException($"{path} is not an anchor file");
        using var certificate = X509Certificate2.CreateFromPem(anchor.Certificate);
        var thumbprint = SignedTrustConfiguration.Thumbprint(certificate);
        if (thumbprint != anchor.Thumbprint)
        {
            throw new InvalidOperationException($"{path}: the certificate's thumbprint is {thumbprint}, not the {anchor.Thumbprint} the file states; the file was altered");
        }

        return anchor;
    }

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>Adds this anchor as a federation partner at the registry (its admin API).</summary>
    public async Task ImportAsync(string registryUrl, string adminToken, CancellationToken cancellationToken)
    {
        using var http = AdminClient(registryUrl, adminToken);
        using var response = await http.PutAsJsonAsync($"admin/v1/partners/{Instance}", new { anchor = Certificate, configUrl = ConfigUrl }, cancellationToken);
        await EnsureAsync(response, $"import the anchor of {Instance}", cancellationToken);
    }

    /// <summary>Ends a federation: removes the partner's anchor at the registry.</summary>
    public static async Task RemoveAsync(string registryUrl, string adminToken, string instance, CancellationToken cancellationToken)
    {
        using var http = AdminClient(registryUrl, adminToken);
        using var response = await http.DeleteAsync($"admin/v1/partners/{instance}", cancellationToken);
        await EnsureAsync(response, $"remove the partner {instance}", cancellationToken);
    }

    private static HttpClient AdminClient(string registryUrl, string adminToken) => new()
    {
        BaseAddress = new Uri(registryUrl.TrimEnd('/') + "/"),
        Timeout = TimeSpan.FromSeconds(30),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", adminToken) },
    };

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"the registry refused to {what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }
}

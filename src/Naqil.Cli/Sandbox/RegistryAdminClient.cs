using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Naqil.Cli.Sandbox;

/// <summary>Registers the sandbox's members, services and gateways through the registry's own admin API.</summary>
internal sealed class RegistryAdminClient(string registryUrl, string adminToken) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(registryUrl), DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", adminToken) } };

    public Task PutMemberAsync(string id, string name) => PutAsync($"admin/v1/members/{id}", new { name });

    public Task PutSubsystemAsync(string id) => PutAsync($"admin/v1/subsystems/{id}", new { });

    public Task PutServiceAsync(string id, bool personalData, string description, string? openApi) =>
        PutAsync($"admin/v1/services/{id}", new { personalData, description, openApi });

    public Task PutTopicAsync(string id, bool personalData, string description) =>
        PutAsync($"admin/v1/topics/{id}", new { personalData, description });

    public Task PutSubscriptionAsync(string topic, string subscriber) => PutAsync($"admin/v1/topics/{topic}/subscribers/{subscriber}", new { });

    public Task PutGatewayAsync(string member, string code, string address, string tlsCertificatePem, string signingCertificatePem) =>
        PutAsync($"admin/v1/gateways/{member}/{code}", new { address, tlsCertificate = tlsCertificatePem, signingCertificate = signingCertificatePem });

    private async Task PutAsync(string path, object body)
    {
        using var response = await _http.PutAsJsonAsync(path, body);
        if (!response.IsSuccessStatusCode)
        {
            throw new SandboxException($"the registry refused PUT /{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    public void Dispose() => _http.Dispose();
}

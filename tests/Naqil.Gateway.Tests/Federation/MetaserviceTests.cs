using System.Net;
using System.Text.Json;
using Naqil.Gateway.Tests.TestEnvironment;

namespace Naqil.Gateway.Tests.Federation;

/// <summary>Metaservices answer from the own and allowed partners' configurations, and only to an authenticated client.</summary>
public sealed class MetaserviceTests
{
    [Fact]
    public async Task Clients_ListOwnInstanceAndAllowedPartner()
    {
        await using var env = await FederationTestEnvironment.StartAsync();

        var clients = await GetJsonAsync(env, "/meta/v1/clients");

        var ids = clients.GetProperty("clients").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Contains(GatewayTestEnvironment.Portal, ids);
        Assert.Contains("SY/GOV/CIVREG/registry", ids);
        Assert.Contains("IQ/GOV/POST/ems", ids);
    }

    [Fact]
    public async Task Clients_PartnerNotAllowedByGateway_NotListed()
    {
        await using var env = await FederationTestEnvironment.StartAsync(syGatewayAllowsIq: false);

        var clients = await GetJsonAsync(env, "/meta/v1/clients");

        var ids = clients.GetProperty("clients").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Contains(GatewayTestEnvironment.Portal, ids);
        Assert.DoesNotContain(ids, id => id!.StartsWith("IQ/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Services_OfPartnerSubsystem_Listed()
    {
        await using var env = await FederationTestEnvironment.StartAsync();

        var services = await GetJsonAsync(env, "/meta/v1/services/IQ/GOV/POST/ems");

        var service = Assert.Single(services.GetProperty("services").EnumerateArray());
        Assert.Equal(FederationTestEnvironment.Items, service.GetProperty("id").GetString());
        Assert.False(service.GetProperty("personalData").GetBoolean());
    }

    [Fact]
    public async Task Services_OfPartnerNotAllowed_FederationNotAllowed()
    {
        await using var env = await FederationTestEnvironment.StartAsync(syGatewayAllowsIq: false);

        using var response = await SendAsync(env, "/meta/v1/services/IQ/GOV/POST/ems");

        await ResponseAssert.ProblemAsync(HttpStatusCode.Forbidden, "federation-not-allowed", response);
    }

    [Fact]
    public async Task OpenApi_PublishedDescription_Returned_AndMissingOneIsNotFound()
    {
        await using var env = await FederationTestEnvironment.StartAsync();
        const string openApi = "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"EMS items\",\"version\":\"1\"},\"paths\":{}}";
        var configuration = env.IqConfiguration();
        await env.PublishIqAsync(configuration with { Services = [configuration.Services[0] with { OpenApi = openApi }] });

        using (var found = await SendAsync(env, $"/meta/v1/openapi/{FederationTestEnvironment.Items}"))
        {
            ResponseAssert.Status(HttpStatusCode.OK, found);
            Assert.Equal(openApi, await found.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        using var missing = await SendAsync(env, $"/meta/v1/openapi/{GatewayTestEnvironment.Persons}");
        await ResponseAssert.ProblemAsync(HttpStatusCode.NotFound, "not-found", missing);
    }

    [Fact]
    public async Task Metaservices_UnauthenticatedCaller_Refused()
    {
        await using var env = await FederationTestEnvironment.StartAsync();

        using var response = await SendAsync(env, "/meta/v1/clients", GatewayTestEnvironment.Keyed);

        await ResponseAssert.ProblemAsync(HttpStatusCode.Unauthorized, "client-unauthenticated", response);
    }

    private static async Task<HttpResponseMessage> SendAsync(FederationTestEnvironment env, string path, string client = GatewayTestEnvironment.Portal)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, env.Sy.Consumer.ConsumerUrl + path);
        request.Headers.Add("Naqil-Client", client);
        return await env.Sy.Client.SendAsync(request);
    }

    private static async Task<JsonElement> GetJsonAsync(FederationTestEnvironment env, string path)
    {
        using var response = await SendAsync(env, path);
        ResponseAssert.Status(HttpStatusCode.OK, response);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }
}

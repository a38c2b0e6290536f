using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Naqil.Gateway.Tests.TestEnvironment;

namespace Naqil.Gateway.Tests.Pipeline;

/// <summary>Every refusal goes through the pipeline's end, which counts it by face and code in GET /admin/v1/runtime.</summary>
public sealed class RefusalCountsTests
{
    [Fact]
    public async Task Runtime_CountsEachGatewaysOwnRefusals_ByFaceAndCode()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        var consumerBefore = await RefusalsAsync(env.Consumer);
        var providerBefore = await RefusalsAsync(env.Provider);

        for (var i = 0; i < 3; i++)
        {
            using var unknown = await env.GetAsync("SY/GOV/CIVREG/registry/nothing-here", "/x");
            ResponseAssert.Status(HttpStatusCode.NotFound, unknown);
        }

        for (var i = 0; i < 2; i++)
        {
            using var denied = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1", GatewayTestEnvironment.Other);
            ResponseAssert.Status(HttpStatusCode.Forbidden, denied);
        }

        using (var carried = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1"))
        {
            ResponseAssert.Status(HttpStatusCode.OK, carried);
        }

        using (var notPublisher = new HttpRequestMessage(HttpMethod.Post, $"{env.Consumer.ConsumerUrl}/e1/{GatewayTestEnvironment.Births}") { Content = new StringContent("{}") })
        {
            notPublisher.Headers.Add("Naqil-Client", GatewayTestEnvironment.Portal);
            using var refused = await env.Client.SendAsync(notPublisher, TestContext.Current.CancellationToken);
            ResponseAssert.Status(HttpStatusCode.Forbidden, refused);
        }

        // The consumer refused the unknown service itself; the provider refused access and the
        // consumer carried that signed refusal as an exchange, which it does not count.
        Assert.Equal(new Dictionary<string, long> { ["consumer/unknown-service"] = 3, ["publisher/not-publisher"] = 1 }, Delta(consumerBefore, await RefusalsAsync(env.Consumer)));
        Assert.Equal(new Dictionary<string, long> { ["provider/access-denied"] = 2 }, Delta(providerBefore, await RefusalsAsync(env.Provider)));
    }

    private static Dictionary<string, long> Delta(Dictionary<string, long> before, Dictionary<string, long> after) =>
        after.Where(kv => kv.Value != before.GetValueOrDefault(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value - before.GetValueOrDefault(kv.Key));

    private static async Task<Dictionary<string, long>> RefusalsAsync(GatewayNode gateway)
    {
        using var admin = new HttpClient { BaseAddress = new Uri(gateway.ConsumerUrl) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayTestEnvironment.AdminToken);
        using var response = await admin.GetAsync("admin/v1/runtime", TestContext.Current.CancellationToken);
        ResponseAssert.Status(HttpStatusCode.OK, response);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var face in document.RootElement.GetProperty("refusals").EnumerateObject())
        {
            foreach (var code in face.Value.EnumerateObject())
            {
                counts[$"{face.Name}/{code.Name}"] = code.Value.GetInt64();
            }
        }

        return counts;
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Naqil.Gateway.Tests.TestEnvironment;

namespace Naqil.Gateway.Tests.AccessControl;

/// <summary>The gateway's admin API: access rules kept by the provider's gateway, behind a bearer token.</summary>
public sealed class AdminApiTests
{
    private static readonly object OtherMayReadPersons = new { service = GatewayTestEnvironment.Persons, client = GatewayTestEnvironment.Other, methods = new[] { "GET" }, pathPrefix = "/persons/" };

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token-wrong-token")]
    [InlineData("Basic dGVzdDp0ZXN0")]
    public async Task PutRule_WithoutValidToken_Refused_RulesUnchanged(string? authorization)
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{env.Provider.ConsumerUrl}/admin/v1/acl") { Content = JsonContent.Create(OtherMayReadPersons) };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await env.Client.SendAsync(request, TestContext.Current.CancellationToken);

        await ResponseAssert.ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized", response);
        using var denied = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1", GatewayTestEnvironment.Other);
        await ResponseAssert.ProblemAsync(HttpStatusCode.Forbidden, "access-denied", denied);
        Assert.Equal(4, (await ListAsync(env)).GetArrayLength());
    }

    [Fact]
    public async Task PutRule_Authenticated_AllowsClient_AndDeleteRevokes()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        using var admin = AdminClient(env);

        using (var put = await admin.PutAsJsonAsync("admin/v1/acl", OtherMayReadPersons, TestContext.Current.CancellationToken))
        {
            ResponseAssert.Status(HttpStatusCode.OK, put);
        }

        using (var allowed = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1", GatewayTestEnvironment.Other))
        {
            ResponseAssert.Status(HttpStatusCode.OK, allowed);
        }

        using (var outsidePrefix = await env.GetAsync(GatewayTestEnvironment.Persons, "/not-found", GatewayTestEnvironment.Other))
        {
            await ResponseAssert.ProblemAsync(HttpStatusCode.Forbidden, "access-denied", outsidePrefix);
        }

        using (var delete = await admin.DeleteAsync($"admin/v1/acl?service={GatewayTestEnvironment.Persons}&client={GatewayTestEnvironment.Other}", TestContext.Current.CancellationToken))
        {
            ResponseAssert.Status(HttpStatusCode.OK, delete);
        }

        using var revoked = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1", GatewayTestEnvironment.Other);
        await ResponseAssert.ProblemAsync(HttpStatusCode.Forbidden, "access-denied", revoked);
        Assert.Equal(1, env.Backend.Calls);
    }

    [Theory]
    [InlineData("{\"service\":\"SY/GOV/CIVREG/registry\",\"client\":\"SY/GOV/MOCT/other\"}", "bad-identifier")]
    [InlineData("{\"service\":\"SY/GOV/CIVREG/registry/persons\",\"client\":\"SY/GOV/MOCT/other\",\"methods\":[\"get\"]}", "bad-identifier")]
    [InlineData("{\"service\":\"SY/GOV/CIVREG/registry/persons\",\"client\":\"SY/GOV/MOCT/other\",\"pathPrefix\":\"/../x\"}", "bad-identifier")]
    [InlineData("{not json", "bad-request")]
    [InlineData("", "bad-request")]
    public async Task PutRule_Malformed_RefusedWithCode_RulesUnchanged(string body, string code)
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        using var admin = AdminClient(env);

        using var response = await admin.PutAsync("admin/v1/acl", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        await ResponseAssert.ProblemAsync(HttpStatusCode.BadRequest, code, response);
        Assert.Equal(4, (await ListAsync(env)).GetArrayLength());
    }

    [Fact]
    public async Task Rules_SurviveRestartOfTheStore()
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        using var admin = AdminClient(env);
        using (var put = await admin.PutAsJsonAsync("admin/v1/acl", OtherMayReadPersons, TestContext.Current.CancellationToken))
        {
            ResponseAssert.Status(HttpStatusCode.OK, put);
        }

        var dataDirectory = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Microsoft.Extensions.Options.IOptions<Naqil.Gateway.Configuration.GatewayOptions>>(env.Provider.App.Services).Value.DataDirectory;
        var reopened = new Storage.SqliteAclStore(Path.Combine(dataDirectory, "gateway.db"));

        var rules = await reopened.ListAsync(TestContext.Current.CancellationToken);

        Assert.Contains(rules, r => r.Client == GatewayTestEnvironment.Other && r.PathPrefix == "/persons/" && r.Methods.SequenceEqual(["GET"]));
    }

    private static HttpClient AdminClient(GatewayTestEnvironment env) => new()
    {
        BaseAddress = new Uri(env.Provider.ConsumerUrl),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", GatewayTestEnvironment.AdminToken) },
    };

    private static async Task<JsonElement> ListAsync(GatewayTestEnvironment env)
    {
        using var admin = AdminClient(env);
        return JsonDocument.Parse(await admin.GetStringAsync("admin/v1/acl")).RootElement;
    }
}

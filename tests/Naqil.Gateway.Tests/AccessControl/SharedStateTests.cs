using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Naqil.Gateway.AccessControl;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Tests.TestEnvironment;
using Naqil.Tests.Shared;

namespace Naqil.Gateway.Tests.AccessControl;

/// <summary>
/// Two provider gateways of one member behind one address, sharing their access rules and replay
/// window in one PostgreSQL database (Gateway:SharedStateConnectionString), each with its own keys
/// and its own message log.
/// </summary>
public sealed class SharedStateTests
{
    [Fact]
    public async Task TwoGatewaysOfOneMember_ReplayAtTheOther_RefusedAndAclChangeAtOne_AppliesAtBoth()
    {
        var database = $"naqil_shared_{Guid.NewGuid():N}"[..40];
        var shared = await TestPostgres.CreateDatabaseAsync(database);
        var directory = Directory.CreateTempSubdirectory("naqil-gw2-").FullName;
        try
        {
            await using var env = await GatewayTestEnvironment.StartAsync((member, o) => member == "SY/GOV/CIVREG" ? o with { SharedStateConnectionString = shared } : o);
            var first = env.Provider.App.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
            await using var second = await GatewayNode.StartAsync("SY/GOV/CIVREG", directory, env.Registry, env.Time,
                o => o with { Code = "gw2", Services = first.Services, Acl = first.Acl, SharedStateConnectionString = shared });
            await env.PublishAsync(env.Configuration([env.Consumer.Entry(), env.Provider.Entry(), second.Entry()]));
            await second.RefreshTrustAsync();
            var sender = new SignedSender(env);

            // A request accepted at gw1, replayed at gw2 (a load balancer may send it either way).
            var signed = sender.Create(HttpMethod.Get, GatewayTestEnvironment.Persons, "/persons/1", []);
            using (var accepted = await sender.SendAsync(SignedSender.Copy(signed.Message, [])))
            {
                ResponseAssert.Status(HttpStatusCode.OK, accepted);
            }

            using (var replayed = await sender.SendToAsync(signed.Message, "gw2"))
            {
                await ResponseAssert.ProblemAsync(HttpStatusCode.Conflict, "replayed", replayed);
            }

            // A fresh request goes through gw2 itself: the window is per exchange, not per gateway.
            using (var fresh = await sender.SendToAsync(sender.Create(HttpMethod.Get, GatewayTestEnvironment.Persons, "/persons/1", []).Message, "gw2"))
            {
                ResponseAssert.Status(HttpStatusCode.OK, fresh);
            }

            // Other may not read persons at gw2; a rule added once, at gw1's admin API, lets it at gw2 too.
            using (var denied = await sender.SendToAsync(sender.Create(HttpMethod.Get, GatewayTestEnvironment.Persons, "/persons/1", [], client: GatewayTestEnvironment.Other).Message, "gw2"))
            {
                await ResponseAssert.ProblemAsync(HttpStatusCode.Forbidden, "access-denied", denied);
            }

            using (var admin = new HttpClient { BaseAddress = new Uri(env.Provider.ConsumerUrl) })
            {
                admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayTestEnvironment.AdminToken);
                using var put = await admin.PutAsJsonAsync("admin/v1/acl", new { service = GatewayTestEnvironment.Persons, client = GatewayTestEnvironment.Other, methods = new[] { "GET" }, pathPrefix = "/persons/" }, TestContext.Current.CancellationToken);
                ResponseAssert.Status(HttpStatusCode.OK, put);
            }

            await second.App.Services.GetRequiredService<SharedStateRefresher>().TickAsync(TestContext.Current.CancellationToken);
            using var allowed = await sender.SendToAsync(sender.Create(HttpMethod.Get, GatewayTestEnvironment.Persons, "/persons/1", [], client: GatewayTestEnvironment.Other).Message, "gw2");
            ResponseAssert.Status(HttpStatusCode.OK, allowed);
            signed.Message.Dispose();
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(database);
            Directory.Delete(directory, recursive: true);
        }
    }
}

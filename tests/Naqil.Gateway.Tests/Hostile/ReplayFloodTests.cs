using System.Net;
using Naqil.Gateway.Tests.TestEnvironment;

namespace Naqil.Gateway.Tests.Hostile;

/// <summary>A peer's requests that the access rules refuse take no place in the replay cache, so they cannot lock other clients out.</summary>
public sealed class ReplayFloodTests
{
    [Fact]
    public async Task ClientWithNoRights_SendsMoreThanTheCacheHolds_OtherClientsStillServed()
    {
        const int capacity = 1000; // the smallest the configuration allows
        await using var env = await GatewayTestEnvironment.StartAsync((member, o) => member == "SY/GOV/CIVREG" ? o with { ReplayCacheCapacity = capacity } : o);

        // More than the whole cache holds, eight at a time.
        await Parallel.ForAsync(0, capacity + 50, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken }, async (_, _) =>
        {
            using var denied = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1", GatewayTestEnvironment.Other);
            Assert.Equal("access-denied", denied.Headers.GetValues("Naqil-Error").Single());
        });

        using var served = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1");
        ResponseAssert.Status(HttpStatusCode.OK, served);
    }
}

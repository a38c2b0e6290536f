using System.Net;
using Naqil.Gateway.Tests.NativeMemory;
using Naqil.Gateway.Tests.TestEnvironment;

namespace Naqil.Gateway.Tests.Trust;

/// <summary>
/// Whoever answers the registry's address is not trusted with the gateway's memory: a trust
/// configuration larger than Gateway:MaxTrustConfigurationBytes is refused unread, before its
/// signature could be checked. Counts the whole process's allocations, so it runs alone.
/// </summary>
[Collection(ProcessMemoryCollection.Name)]
public sealed class TrustDownloadLimitTests
{
    private const long Limit = 1 << 20;
    private const long Huge = 64L << 20;

    [Fact]
    public async Task HugeAnswer_RefusedAfterTheLimit_GatewayKeepsServing()
    {
        await using var env = await GatewayTestEnvironment.StartAsync((_, o) => o with { MaxTrustConfigurationBytes = Limit });
        env.Registry.HugeAnswerBytes = Huge;
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var adopted = await env.Consumer.RefreshTrustAsync();

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.False(adopted);
        Assert.True(allocated < 16L << 20, $"{allocated} bytes allocated while refusing a {Huge}-byte configuration with a {Limit}-byte limit");
        // What the gateway took is judged by its allocations above, not by what the server wrote:
        // after the gateway hangs up, Kestrel completes writes to the dead connection at once until
        // it notices, so a busy host counted tens of megabytes "written" that nobody read.
        Assert.Contains(env.Consumer.Logs.Lines, l => l.Contains("larger than 1048576 bytes (Gateway:MaxTrustConfigurationBytes)", StringComparison.Ordinal));

        // The configuration it held still serves.
        using var response = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1");
        ResponseAssert.Status(HttpStatusCode.OK, response);
    }
}

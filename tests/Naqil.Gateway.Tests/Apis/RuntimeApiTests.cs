using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Naqil.Gateway.Tests.NativeMemory;
using Naqil.Gateway.Tests.TestEnvironment;

namespace Naqil.Gateway.Tests.Apis;

/// <summary>
/// GET /admin/v1/runtime: the process's allocation, GC and memory figures, behind the admin token.
/// The figures are the whole test process's, so these run alone, where what a test does between two
/// reads is what moves them.
/// </summary>
[Collection(ProcessMemoryCollection.Name)]
public sealed class RuntimeApiTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token-wrong-token")]
    public async Task Runtime_WithoutValidToken_Refused(string? authorization)
    {
        await using var env = await GatewayTestEnvironment.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{env.Consumer.ConsumerUrl}/admin/v1/runtime");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await env.Client.SendAsync(request, TestContext.Current.CancellationToken);

        await ResponseAssert.ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized", response);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Runtime_AfterExchangesAndCollections_CountsThem()
    {
        const int exchanges = 50;
        await using var env = await GatewayTestEnvironment.StartAsync();
        using var admin = Admin(env);
        var before = await ReadAsync(admin);

        for (var i = 0; i < exchanges; i++)
        {
            using var response = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1");
            ResponseAssert.Status(HttpStatusCode.OK, response);
        }

        // Collections the test forces, per generation; each counter counts the older generations' too.
        for (var generation = 0; generation <= 2; generation++)
        {
            for (var i = 0; i < 3; i++)
            {
                GC.Collect(generation);
            }
        }

        var after = await ReadAsync(admin);

        // Both gateways run in this test process, so the figure counts both (and the test's own
        // client); one signed exchange allocates tens of KB, so 4 KB each is a floor no live counter misses.
        Assert.True(Delta("allocatedBytes") >= exchanges * 4096, $"allocatedBytes grew from {before.GetProperty("allocatedBytes")} to {after.GetProperty("allocatedBytes")} over {exchanges} exchanges");
        Assert.True(Delta("gen0Collections") >= 9, $"gen0Collections grew by {Delta("gen0Collections")} over 9 forced collections");
        Assert.True(Delta("gen1Collections") >= 6, $"gen1Collections grew by {Delta("gen1Collections")} over 6 forced collections of gen 1 or 2");
        Assert.True(Delta("gen2Collections") >= 3, $"gen2Collections grew by {Delta("gen2Collections")} over 3 forced full collections");
        Assert.True(Delta("gcPauseMilliseconds") > 0, "nine blocking collections paused the process for no time");
        Assert.True(after.GetProperty("heapSizeBytes").GetInt64() > 0);
        Assert.True(after.GetProperty("committedBytes").GetInt64() >= after.GetProperty("heapSizeBytes").GetInt64() / 2);
        Assert.True(after.GetProperty("workingSetBytes").GetInt64() > after.GetProperty("heapSizeBytes").GetInt64());
        Assert.True(after.GetProperty("threadPoolThreads").GetInt32() > 0);
        Assert.Equal(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation", after.GetProperty("gcMode").GetString());

        double Delta(string counter) => after.GetProperty(counter).GetDouble() - before.GetProperty(counter).GetDouble();
    }

    [Fact]
    public async Task Runtime_NativeHeap_CountsMallocAndSqlite()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "glibc's malloc figures are read on Linux only");
        const long block = 16L << 20;
        await using var env = await GatewayTestEnvironment.StartAsync();
        using var admin = Admin(env);
        using (var exchange = await env.GetAsync(GatewayTestEnvironment.Persons, "/persons/1"))
        {
            ResponseAssert.Status(HttpStatusCode.OK, exchange);
        }

        var before = await ReadAsync(admin);
        var held = await HoldNativeAsync(block, () => ReadAsync(admin));
        var after = await ReadAsync(admin);
        JsonElement allocated, punched;
        long holeBytes;
        using (var holes = MallocHoles.Allocate(512))
        {
            allocated = await ReadAsync(admin);
            holes.Punch();
            punched = await ReadAsync(admin);
            holeBytes = holes.HoleBytes;
        }

        // The gateways run in this test process, so a block malloc'd here is counted in use while held.
        var grew = held.GetProperty("mallocInUseBytes").GetInt64() - before.GetProperty("mallocInUseBytes").GetInt64();
        var fell = held.GetProperty("mallocInUseBytes").GetInt64() - after.GetProperty("mallocInUseBytes").GetInt64();
        Assert.True(grew >= block - (1 << 20) && fell >= block - (1 << 20), $"malloc in use: {before.GetProperty("mallocInUseBytes")}, holding {block}: {held.GetProperty("mallocInUseBytes")}, freed: {after.GetProperty("mallocInUseBytes")}");
        // Blocks freed between live ones stay in malloc's arenas, counted free (the trimmer hands back their pages, not the blocks).
        var free = punched.GetProperty("mallocFreeBytes").GetInt64() - allocated.GetProperty("mallocFreeBytes").GetInt64();
        Assert.True(free >= holeBytes / 2, $"malloc free: {allocated.GetProperty("mallocFreeBytes")} with the blocks, {punched.GetProperty("mallocFreeBytes")} with {holeBytes} of them freed between live ones");
        // The message log's SQLite connections hold page caches and prepared statements.
        Assert.True(after.GetProperty("sqliteBytes").GetInt64() > 0, $"sqliteBytes {after.GetProperty("sqliteBytes")}");
        Assert.True(after.GetProperty("sqliteBytes").GetInt64() <= after.GetProperty("mallocInUseBytes").GetInt64());
    }

    private static async Task<JsonElement> HoldNativeAsync(long bytes, Func<Task<JsonElement>> read)
    {
        // malloc on Unix; counted in use from the call, touched or not.
        var block = System.Runtime.InteropServices.Marshal.AllocHGlobal((nint)bytes);
        try
        {
            return await read();
        }
        finally
        {
            System.Runtime.InteropServices.Marshal.FreeHGlobal(block);
        }
    }

    private static HttpClient Admin(GatewayTestEnvironment env) => new()
    {
        BaseAddress = new Uri(env.Consumer.ConsumerUrl),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", GatewayTestEnvironment.AdminToken) },
    };

    private static async Task<JsonElement> ReadAsync(HttpClient admin)
    {
        using var response = await admin.GetAsync("admin/v1/runtime", TestContext.Current.CancellationToken);
        ResponseAssert.Status(HttpStatusCode.OK, response);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone();
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.NativeMemory;
using Naqil.Gateway.Tests.TestEnvironment;

namespace Naqil.Gateway.Tests.NativeMemory;

/// <summary>
/// Resident memory is the process's, so these run alone: another test allocating meanwhile would
/// blur what a trim gives back, and another gateway's trimmer would count in the totals.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMemoryCollection
{
    public const string Name = "process memory";
}

/// <summary>Gateway:NativeHeapTrimInterval: malloc's free pages go back to the system, and the runtime API counts it.</summary>
[Collection(ProcessMemoryCollection.Name)]
public sealed class NativeHeapTrimTests
{
    /// <summary>What a trim of <see cref="Holes"/> blocks' holes gives back at least: half of them (7 pages of each 8 can go).</summary>
    private const long Floor = 12L << 20;

    private const int Holes = 1536;

    [Fact]
    public void TrimOnce_AfterBlocksAreFreedBetweenLiveOnes_GivesTheirPagesBack()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "malloc_trim is glibc's");
        // The suite's earlier form of this test made its holes with small keepers between the
        // blocks and failed so, with nothing left for the trim (see MallocHoles).
        using var holes = MallocHoles.Allocate(Holes);
        var allocated = NativeHeap.ResidentAnonymousBytes()!.Value;
        holes.Punch();

        var freed = NativeHeap.ResidentAnonymousBytes()!.Value;
        var (trimsBefore, releasedBefore) = NativeHeapTrimmer.Totals;
        var released = NativeHeapTrimmer.TrimOnce();
        var after = NativeHeap.ResidentAnonymousBytes()!.Value;

        Assert.True(freed - after >= Floor, $"resident anonymous memory {allocated} with the blocks, {freed} with every other one freed, {after} after the trim; at least {Floor} of the {holes.HoleBytes} freed should have gone in the trim");
        Assert.True(released >= Floor, $"the trim reported {released} bytes given back");
        var (trims, releasedTotal) = NativeHeapTrimmer.Totals;
        Assert.Equal(trimsBefore + 1, trims);
        Assert.Equal(releasedBefore + released, releasedTotal);
    }

    [Fact]
    public async Task Gateway_WhenItsTrimIntervalPasses_TrimsAndTheRuntimeApiCountsIt()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "malloc_trim is glibc's");
        var interval = TimeSpan.FromSeconds(5);
        await using var env = await GatewayTestEnvironment.StartAsync((_, o) => o with { NativeHeapTrimInterval = interval });
        using var admin = new HttpClient
        {
            BaseAddress = new Uri(env.Consumer.ConsumerUrl),
            DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", GatewayTestEnvironment.AdminToken) },
        };
        var before = await ReadAsync(admin);
        var trimsBefore = before.GetProperty("mallocTrims").GetInt64();
        using var holes = MallocHoles.Allocate(Holes).Punch();

        env.Time.Advance(interval);

        // Each gateway's timer fires on the fake clock and trims on a pool thread: wait for the count, not for a time.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        JsonElement after;
        while ((after = await ReadAsync(admin)).GetProperty("mallocTrims").GetInt64() < trimsBefore + 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        var trims = after.GetProperty("mallocTrims").GetInt64();
        Assert.True(trims >= trimsBefore + 2, $"mallocTrims {trimsBefore} before the interval passed, {trims} after (two gateways)");
        // The holes punched before the interval passed were given back by one of the two trims.
        var trimmed = after.GetProperty("mallocTrimmedBytes").GetInt64() - before.GetProperty("mallocTrimmedBytes").GetInt64();
        Assert.True(trimmed >= Floor, $"mallocTrimmedBytes grew by {trimmed} over trims that had {holes.HoleBytes} bytes of holes to give back");
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(0, false)]
    [InlineData(30, false)]
    public void Validator_NegativeTrimInterval_IsRefusedWithWhatToUse(int seconds, bool refused)
    {
        var result = new GatewayOptionsValidator().Validate(null, new GatewayOptions { NativeHeapTrimInterval = TimeSpan.FromSeconds(seconds) });

        var failures = result.Failures ?? [];
        Assert.Equal(refused, failures.Any(f => f.Contains("Gateway:NativeHeapTrimInterval", StringComparison.Ordinal) && f.Contains("00:00:00 to turn trimming off", StringComparison.Ordinal)));
    }

    private static async Task<JsonElement> ReadAsync(HttpClient admin)
    {
        using var response = await admin.GetAsync("admin/v1/runtime", TestContext.Current.CancellationToken);
        ResponseAssert.Status(HttpStatusCode.OK, response);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone();
    }
}

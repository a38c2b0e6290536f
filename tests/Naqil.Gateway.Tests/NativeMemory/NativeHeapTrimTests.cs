using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
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
    [Fact]
    public void TrimOnce_AfterBlocksAreFreedBetweenLiveOnes_GivesTheirPagesBack()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "malloc_trim is glibc's");
        // 1,536 blocks of 32 KiB (under malloc's mmap threshold, so in an arena), every other one
        // freed and its neighbours kept: the freed ones are holes malloc keeps resident, not a top it
        // would shrink by itself. The holes are made by the blocks themselves, not by small keepers
        // allocated between them: in a process that has run for a while, a small allocation comes
        // from a free list elsewhere, the big blocks end up side by side, and freed they merge into
        // the top, which free() hands back on its own (the suite's earlier form of this test failed
        // so, with nothing left for the trim). What a trim can give back is the holes' whole pages,
        // 7 of each 8.
        const int count = 1536;
        const int size = 32 * 1024;
        var blocks = new nint[count];
        for (var i = 0; i < count; i++)
        {
            blocks[i] = Marshal.AllocHGlobal(size);
            for (var offset = 0; offset < size; offset += 4096)
            {
                Marshal.WriteByte(blocks[i], offset, 1);
            }
        }

        try
        {
            var allocated = NativeHeap.ResidentAnonymousBytes()!.Value;
            for (var i = 0; i < count; i += 2)
            {
                Marshal.FreeHGlobal(blocks[i]);
                blocks[i] = 0;
            }

            var freed = NativeHeap.ResidentAnonymousBytes()!.Value;
            var (trimsBefore, releasedBefore) = NativeHeapTrimmer.Totals;
            var released = NativeHeapTrimmer.TrimOnce();
            var after = NativeHeap.ResidentAnonymousBytes()!.Value;

            const long floor = 12L << 20;
            var holes = count / 2 * (long)size;
            Assert.True(freed - after >= floor, $"resident anonymous memory {allocated} with the blocks, {freed} with every other one freed, {after} after the trim; at least {floor} of the {holes} freed should have gone in the trim");
            Assert.True(released >= floor, $"the trim reported {released} bytes given back");
            var (trims, releasedTotal) = NativeHeapTrimmer.Totals;
            Assert.Equal(trimsBefore + 1, trims);
            Assert.Equal(releasedBefore + released, releasedTotal);
        }
        finally
        {
            foreach (var block in blocks)
            {
                if (block != 0)
                {
                    Marshal.FreeHGlobal(block);
                }
            }
        }
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
        var before = (await ReadAsync(admin)).GetProperty("mallocTrims").GetInt64();

        env.Time.Advance(interval);

        // Each gateway's timer fires on the fake clock and trims on a pool thread: wait for the count, not for a time.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        long trims;
        while ((trims = (await ReadAsync(admin)).GetProperty("mallocTrims").GetInt64()) < before + 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.True(trims >= before + 2, $"mallocTrims {before} before the interval passed, {trims} after (two gateways)");
        Assert.True((await ReadAsync(admin)).GetProperty("mallocTrimmedBytes").GetInt64() >= 0);
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

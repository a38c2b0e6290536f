using Naqil.Gateway.Messages;

namespace Naqil.Gateway.Tests.Messages;

/// <summary>Bodies are read under a limit, and a declared length is not trusted with memory before its bytes arrive.</summary>
public sealed class BodiesTests
{
    private const long Max = 64L << 20;

    [Fact]
    public async Task Read_DeclaresTenMebibytesSendsOneKibibyte_AllocatesOnlyWhatArrived()
    {
        using var stream = new MemoryStream(new byte[1024]);
        var before = GC.GetAllocatedBytesForCurrentThread();

        // A MemoryStream completes every read at once, so the whole call runs on this thread.
        var read = Bodies.ReadAsync(stream, 10L << 20, Max, TestContext.Current.CancellationToken);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(read.IsCompleted);
        await Assert.ThrowsAsync<EndOfStreamException>(() => read);
        Assert.True(allocated < 256 * 1024, $"{allocated} bytes allocated for a body that declared 10 MiB and sent 1 KiB");
    }

    [Theory]
    [InlineData(0, 0L)]
    [InlineData(100, 100L)]
    [InlineData(Bodies.ExactUpTo, (long)Bodies.ExactUpTo)]
    [InlineData(Bodies.ExactUpTo + 1, Bodies.ExactUpTo + 1L)]
    [InlineData(300_000, 300_000L)]
    [InlineData(100, null)]
    [InlineData(300_000, null)]
    public async Task Read_WholeBody_ReturnsItsExactBytes(int size, long? declared)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        using var stream = new MemoryStream(bytes);

        var body = await Bodies.ReadAsync(stream, declared, Max, TestContext.Current.CancellationToken);

        Assert.Equal(bytes, body);
    }

    [Theory]
    [InlineData(1001L)]
    [InlineData(null)]
    public async Task Read_LongerThanTheLimit_ReturnsNull(long? declared)
    {
        using var stream = new MemoryStream(new byte[1001]);

        Assert.Null(await Bodies.ReadAsync(stream, declared, 1000, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Read_LargeDeclaredLengthEndingEarly_Throws()
    {
        using var stream = new MemoryStream(new byte[Bodies.ExactUpTo + 10]);

        var error = await Assert.ThrowsAsync<EndOfStreamException>(() => Bodies.ReadAsync(stream, Bodies.ExactUpTo + 20, Max, TestContext.Current.CancellationToken));
        Assert.Contains($"{Bodies.ExactUpTo + 10} of its declared {Bodies.ExactUpTo + 20}", error.Message, StringComparison.Ordinal);
    }
}

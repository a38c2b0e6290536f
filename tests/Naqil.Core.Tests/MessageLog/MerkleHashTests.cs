using Naqil.MessageLog;

namespace Naqil.Core.Tests.MessageLog;

/// <summary>
/// Leaf and node hashes against SHA-256 computed directly (<see cref="MerkleReference"/>): each
/// thread reuses one digest context, so hashes made in turn and on many threads at once must each
/// be what a fresh digest gives.
/// </summary>
public sealed class MerkleHashTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1022)]
    [InlineData(1023)]
    [InlineData(1024)]
    [InlineData(1536)]
    [InlineData(1 << 20)]
    public void HashLeaf_AnySize_IsSha256OfZeroAndTheEntry(int size)
    {
        var entry = new byte[size];
        new Random(size).NextBytes(entry);

        Assert.Equal(MerkleReference.Leaf(entry), MerkleTree.HashLeaf(entry));
        // Again on the same thread: the reused context was reset, not left holding the first entry.
        Assert.Equal(MerkleReference.Leaf(entry), MerkleTree.HashLeaf(entry));
    }

    [Fact]
    public void HashChildren_IntoOneOfItsInputs_IsSha256OfOneAndBoth()
    {
        var left = MerkleReference.Leaf([0x01]);
        var right = MerkleReference.Leaf([0x02]);
        var expected = MerkleReference.Node(left, right);

        var overlapping = (byte[])left.Clone();
        MerkleTree.HashChildren(overlapping, right, overlapping);

        Assert.Equal(expected, overlapping);
    }

    [Fact]
    public async Task Hashes_OnManyThreadsAtOnce_AreEachAFreshDigests()
    {
        const int Threads = 8;
        const int PerThread = 2_000;
        using var start = new Barrier(Threads);
        var failures = await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(() =>
        {
            var random = new Random(t);
            start.SignalAndWait(TestContext.Current.CancellationToken);
            var wrong = 0;
            for (var i = 0; i < PerThread; i++)
            {
                var entry = new byte[random.Next(0, 2_048)];
                random.NextBytes(entry);
                var leaf = MerkleTree.HashLeaf(entry);
                wrong += leaf.AsSpan().SequenceEqual(MerkleReference.Leaf(entry)) ? 0 : 1;
                var node = MerkleTree.HashChildren(leaf, leaf);
                wrong += node.AsSpan().SequenceEqual(MerkleReference.Node(leaf, leaf)) ? 0 : 1;
            }

            return wrong;
        }, TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default)));

        Assert.Equal(new int[Threads], failures);
    }
}

using Naqil.MessageLog;

namespace Naqil.Gateway.MessageLog;

/// <summary>The stored leaves of the first <paramref name="count"/> entries, for proof generation.</summary>
internal sealed class StoreLeafHashSource(IMessageLogStore store, long count) : ILeafHashSource
{
    public long Count => count;

    public void ReadLeafHashes(long start, Span<byte> destination) => store.ReadLeafHashes(start, destination);
}

using Naqil.Gateway.Problems;
using Naqil.MessageLog;

namespace Naqil.Gateway.MessageLog;

/// <summary>Placeholder until the durable Merkle message log is wired in: records nothing.</summary>
internal sealed class NoMessageLog : IExchangeLog
{
    public GatewayProblem? CheckAvailable() => null;

    public Task<bool> AppendAsync(LogEntry entry, ReadOnlyMemory<byte> requestBody, ReadOnlyMemory<byte> responseBody, CancellationToken cancellationToken) => Task.FromResult(true);
}

using Naqil.Gateway.Problems;
using Naqil.MessageLog;

namespace Naqil.Gateway.MessageLog;

/// <summary>
/// The gateway's message log as the exchange pipeline sees it. An exchange is acknowledged only
/// after <see cref="AppendAsync"/> reports the entry durable; a log that cannot promise that makes
/// the gateway refuse exchanges rather than carry unlogged traffic.
/// </summary>
internal interface IExchangeLog
{
    /// <summary>Null when exchanges may go ahead; else the refusal (log-unavailable, timestamp-unavailable).</summary>
    GatewayProblem? CheckAvailable();

    /// <summary>Appends the entry (and the bodies, as the body policy says) and returns once it is durable; false when it could not be written.</summary>
    Task<bool> AppendAsync(LogEntry entry, ReadOnlyMemory<byte> requestBody, ReadOnlyMemory<byte> responseBody, CancellationToken cancellationToken);
}

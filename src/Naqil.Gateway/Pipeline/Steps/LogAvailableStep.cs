using Naqil.Gateway.MessageLog;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.Pipeline.Steps;

/// <summary>Refuses before any work is done when the message log could not record the exchange (log-unavailable, timestamp-unavailable).</summary>
internal sealed class LogAvailableStep(IExchangeLog log) : IExchangeStep<ExchangeFeature>
{
    public ValueTask<GatewayProblem?> InvokeAsync(ExchangeFeature exchange) => ValueTask.FromResult(log.CheckAvailable());
}

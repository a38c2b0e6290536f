using Naqil.Gateway.Problems;

namespace Naqil.Gateway.Pipeline;

/// <summary>
/// One check or action of a face's exchange pipeline. A step reads what earlier steps learned from
/// the exchange, adds what it learns, and either lets the exchange go on (null) or refuses it with
/// a value; it never writes the response or the log, which the pipeline's fixed end does.
/// </summary>
/// <typeparam name="TExchange">The face's exchange; steps shared by both faces take <see cref="ExchangeFeature"/>.</typeparam>
internal interface IExchangeStep<in TExchange>
    where TExchange : ExchangeFeature
{
    /// <summary>Null to go on to the next step; else the refusal, which ends the pipeline.</summary>
    ValueTask<GatewayProblem?> InvokeAsync(TExchange exchange);
}

using Naqil.Gateway.Problems;

namespace Naqil.Gateway.Pipeline.Steps;

/// <summary>A service marked personal-data is called only with a stated purpose (<c>Naqil-Purpose</c>).</summary>
internal sealed class RequirePurposeStep : IExchangeStep<ExchangeFeature>
{
    public ValueTask<GatewayProblem?> InvokeAsync(ExchangeFeature exchange) =>
        exchange.ServiceEntry!.PersonalData && string.IsNullOrEmpty(exchange.Purpose)
            ? ValueTask.FromResult<GatewayProblem?>(new GatewayProblem(GatewayError.PurposeRequired, $"{exchange.Service} handles personal data: state why in the Naqil-Purpose header, e.g. application-processing"))
            : default;
}

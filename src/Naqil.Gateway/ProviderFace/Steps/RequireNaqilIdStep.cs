using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.ProviderFace.Steps;

/// <summary>A calling gateway always sends the exchange's <c>Naqil-Id</c>, a UUID.</summary>
internal sealed class RequireNaqilIdStep : IExchangeStep<ProviderExchange>
{
    public ValueTask<GatewayProblem?> InvokeAsync(ProviderExchange exchange) =>
        exchange.NaqilId is null
            ? ValueTask.FromResult<GatewayProblem?>(new GatewayProblem(GatewayError.BadHeader, "Naqil-Id must be a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e"))
            : default;
}

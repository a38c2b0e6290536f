using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.ProviderFace.Steps;

/// <summary>The signed <c>Naqil-Service</c> must name the service in the path.</summary>
internal sealed class ServiceHeaderStep : IExchangeStep<ProviderExchange>
{
    public ValueTask<GatewayProblem?> InvokeAsync(ProviderExchange exchange) =>
        exchange.Context.Request.Headers[NaqilHeaders.Service].ToString() == exchange.Target!.ServiceText
            ? default
            : ValueTask.FromResult<GatewayProblem?>(new GatewayProblem(GatewayError.BadHeader, "Naqil-Service does not name the service in the path"));
}

using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.ConsumerFace.Steps;

/// <summary>The caller must prove it may speak for the client it named (API key, TLS certificate, or loopback where allowed).</summary>
internal sealed class AuthenticateClientStep(ClientAuthenticator authenticator) : IExchangeStep<ExchangeFeature>
{
    public ValueTask<GatewayProblem?> InvokeAsync(ExchangeFeature exchange) =>
        authenticator.Authenticate(exchange.Context, exchange.Client) is { } error
            ? ValueTask.FromResult<GatewayProblem?>(new GatewayProblem(GatewayError.ClientUnauthenticated, error))
            : default;
}

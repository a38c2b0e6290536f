using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Forwarding;
using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.ConsumerFace.Steps;

/// <summary>Sends the signed request to the provider gateway over mutual TLS and reads its answer whole, under a deadline and a size limit.</summary>
internal sealed class ForwardStep(ProviderGatewayClient providers, IOptions<GatewayOptions> options) : IExchangeStep<ConsumerExchange>
{
    private readonly TimeSpan _timeout = options.Value.ResponseTimeout + options.Value.ConnectTimeout;
    private readonly long _maxBodyBytes = options.Value.MaxBodyBytes;

    public async ValueTask<GatewayProblem?> InvokeAsync(ConsumerExchange exchange)
    {
        var result = await Forwarder.SendAsync(providers.For(exchange.Peer!), exchange.Request!.Message, _timeout, _maxBodyBytes, ForwardHop.ProviderGateway, exchange.Context.RequestAborted);
        exchange.Response = result.Response;
        exchange.ResponseBody = result.Body;
        return result.Problem;
    }
}

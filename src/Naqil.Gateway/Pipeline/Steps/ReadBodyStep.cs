using Microsoft.Extensions.Options;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.Messages;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.Pipeline.Steps;

/// <summary>Reads the request body whole, refusing one over <c>Gateway:MaxBodyBytes</c>.</summary>
internal sealed class ReadBodyStep(IOptions<GatewayOptions> options) : IExchangeStep<ExchangeFeature>
{
    private readonly long _maxBodyBytes = options.Value.MaxBodyBytes;

    public async ValueTask<GatewayProblem?> InvokeAsync(ExchangeFeature exchange)
    {
        var request = exchange.Context.Request;
        var body = await Bodies.ReadAsync(request.Body, request.ContentLength, _maxBodyBytes, exchange.Context.RequestAborted);
        if (body is null)
        {
            return new GatewayProblem(GatewayError.TooLarge, $"the body is larger than {_maxBodyBytes} bytes; the limit is set by Gateway:MaxBodyBytes");
        }

        exchange.RequestBody = body;
        return null;
    }
}

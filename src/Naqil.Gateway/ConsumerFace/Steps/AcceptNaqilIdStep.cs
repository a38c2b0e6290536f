using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.ConsumerFace.Steps;

/// <summary>
/// Takes the client's <c>Naqil-Id</c>, or makes one when it sent none: time-ordered (UUIDv7), as
/// the logs index exchanges by id and ids that arrive in order land on the index's last page
/// instead of a random one, which keeps each commit and each checkpoint to a few pages.
/// </summary>
internal sealed class AcceptNaqilIdStep : IExchangeStep<ExchangeFeature>
{
    public ValueTask<GatewayProblem?> InvokeAsync(ExchangeFeature exchange)
    {
        var header = exchange.Context.Request.Headers[NaqilHeaders.Id];
        if (header.Count == 0)
        {
            exchange.NaqilId = Guid.CreateVersion7(exchange.Received).ToString("D");
            return default;
        }

        var text = header.ToString();
        if (!Guid.TryParseExact(text, "D", out _))
        {
            return ValueTask.FromResult<GatewayProblem?>(new GatewayProblem(GatewayError.BadHeader, "Naqil-Id must be a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e, or absent"));
        }

        exchange.NaqilId = text;
        return default;
    }
}

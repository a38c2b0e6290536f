using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.ConsumerFace.Steps;

/// <summary>
/// Collects the header fields the request signature will cover: the exchange's id, client and
/// service, and each optional one the client sent (<c>Naqil-User</c>, <c>-Purpose</c>,
/// <c>-Subject</c>), which must appear once as printable ASCII of bounded length.
/// </summary>
internal sealed class CoveredHeadersStep : IExchangeStep<ConsumerExchange>
{
    public const int MaxHeaderLength = 256;

    public ValueTask<GatewayProblem?> InvokeAsync(ConsumerExchange exchange)
    {
        var headers = exchange.SignedHeaders;
        headers["naqil-id"] = exchange.NaqilId!;
        headers["naqil-client"] = exchange.Client;
        headers["naqil-service"] = exchange.Service;
        var request = exchange.Context.Request;
        foreach (var name in NaqilHeaders.OptionalCovered)
        {
            var values = request.Headers[name];
            if (values.Count == 0)
            {
                continue;
            }

            var value = values.Count == 1 ? values[0]! : "";
            if (values.Count != 1 || value.Length is 0 or > MaxHeaderLength || !IsPrintableAscii(value))
            {
                // The value may be personal data: say what is wrong with it, never echo it.
                return ValueTask.FromResult<GatewayProblem?>(new GatewayProblem(GatewayError.BadHeader, $"{name} must appear once, with 1 to {MaxHeaderLength} printable ASCII characters"));
            }

            headers[name] = value;
        }

        exchange.User = headers.GetValueOrDefault("naqil-user");
        exchange.Purpose = headers.GetValueOrDefault("naqil-purpose");
        exchange.Subject = headers.GetValueOrDefault("naqil-subject");
        return default;
    }

    private static bool IsPrintableAscii(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}

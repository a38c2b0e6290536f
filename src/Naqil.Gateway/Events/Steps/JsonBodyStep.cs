using System.Text.Json;
using System.Text.Unicode;
using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.Events.Steps;

/// <summary>An event's body is one JSON value (RFC 8259, UTF-8), nothing before or after it.</summary>
internal sealed class JsonBodyStep : IExchangeStep<EventExchange>
{
    public ValueTask<GatewayProblem?> InvokeAsync(EventExchange exchange) =>
        IsJson(exchange.RequestBody)
            ? default
            : ValueTask.FromResult<GatewayProblem?>(new GatewayProblem(GatewayError.BadBody, "an event's body must be one JSON value, such as {\"item\":\"EE123456785SY\"}"));

    internal static bool IsJson(ReadOnlySpan<byte> body)
    {
        // The reader checks structure, not the bytes inside strings: invalid UTF-8 there would pass.
        if (!Utf8.IsValid(body))
        {
            return false;
        }

        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            // Reading every token checks the whole value; the reader throws on anything after it.
            while (reader.Read())
            {
            }

            return reader.BytesConsumed > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

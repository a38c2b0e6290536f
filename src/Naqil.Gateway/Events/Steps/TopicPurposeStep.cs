using Naqil.Gateway.Pipeline;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.Events.Steps;

/// <summary>An event on a topic marked personal-data is published only with a stated purpose (<c>Naqil-Purpose</c>, printable ASCII).</summary>
internal sealed class TopicPurposeStep : IExchangeStep<EventExchange>
{
    public ValueTask<GatewayProblem?> InvokeAsync(EventExchange exchange) => ValueTask.FromResult(Check(exchange));

    private static GatewayProblem? Check(EventExchange exchange)
    {
        if (exchange.Purpose is { } purpose && (purpose.Length == 0 || purpose.Length > LoggedText.MaxLength || LoggedText.Escape(purpose) != purpose))
        {
            return new GatewayProblem(GatewayError.BadHeader, $"Naqil-Purpose must be printable ASCII of 1 to {LoggedText.MaxLength} characters");
        }

        return exchange.Topic!.PersonalData && exchange.Purpose is null
            ? new GatewayProblem(GatewayError.PurposeRequired, $"{exchange.Service} carries personal data: state why in the Naqil-Purpose header, e.g. application-processing")
            : null;
    }
}

using Microsoft.Extensions.Logging;
using Naqil.Gateway.Problems;

namespace Naqil.Gateway.Pipeline;

/// <summary>
/// The one place a refusal becomes an answer: problem+json (RFC 9457) with the stable code in
/// <c>Naqil-Error</c>, a line in the console log, and a call to every
/// <see cref="IExchangeRefusalObserver"/> (the refusal counts, and later the CERT's security events).
/// </summary>
internal sealed class ExchangeRefusals(IEnumerable<IExchangeRefusalObserver> observers, ILogger<ExchangeRefusals> logger)
{
    private readonly IExchangeRefusalObserver[] _observers = [.. observers];

    /// <summary>Sets the exchange's answer to the refusal and reports it.</summary>
    public void Refuse(ExchangeFeature exchange, GatewayProblem problem)
    {
        var info = GatewayErrors.Describe(problem.Error);
        // The console gets no path, user or subject (LogDetail leaves them out), and a refused
        // caller's words are escaped: the line cannot be split or coloured by what it named.
        Log.ExchangeRefused(logger, exchange.Side, info.Code, LoggedText.Escape(problem.LogDetail ?? problem.Detail, LoggedText.MaxPathLength));
        var headers = new Dictionary<string, string>(5, StringComparer.Ordinal)
        {
            ["content-type"] = "application/problem+json",
            ["naqil-error"] = info.Code,
            ["naqil-id"] = exchange.NaqilId!,
        };
        exchange.Answer = new ExchangeAnswer(info.Status, headers, problem.ToJson(exchange.NaqilId));
        foreach (var observer in _observers)
        {
            observer.OnRefused(exchange, problem);
        }
    }
}

/// <summary>Told of every exchange a gateway refuses, on either face, as the refusal is answered.</summary>
internal interface IExchangeRefusalObserver
{
    /// <summary>Called on the request's own thread: keep it short, and never block or throw.</summary>
    void OnRefused(ExchangeFeature exchange, GatewayProblem problem);
}

/// <summary>Counts refusals by side (<c>consumer</c>, <c>provider</c>, <c>publisher</c>, <c>subscriber</c>) and code since the process started, for <c>GET /admin/v1/runtime</c>.</summary>
internal sealed class RefusalCounts : IExchangeRefusalObserver
{
    private static readonly int Codes = Enum.GetValues<GatewayError>().Length;

    private readonly long[] _consumer = new long[Codes];
    private readonly long[] _provider = new long[Codes];
    private readonly long[] _publisher = new long[Codes];
    private readonly long[] _subscriber = new long[Codes];

    public void OnRefused(ExchangeFeature exchange, GatewayProblem problem) =>
        Interlocked.Increment(ref Counts(exchange.Side)[(int)problem.Error]);

    /// <summary>The counts that are not zero, by code, for one side (<c>consumer</c>, <c>provider</c>, <c>publisher</c> or <c>subscriber</c>).</summary>
    public SortedDictionary<string, long> Snapshot(string side)
    {
        var counts = Counts(side);
        var result = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < counts.Length; i++)
        {
            if (Interlocked.Read(ref counts[i]) is > 0 and var count)
            {
                result[GatewayErrors.Describe((GatewayError)i).Code] = count;
            }
        }

        return result;
    }

    private long[] Counts(string side) => side switch
    {
        "consumer" => _consumer,
        "provider" => _provider,
        "publisher" => _publisher,
        "subscriber" => _subscriber,
        _ => throw new ArgumentOutOfRangeException(nameof(side), side, "refusals are counted for the consumer, provider, publisher and subscriber sides"),
    };
}

using Microsoft.Extensions.Logging;

namespace Naqil.Agencies;

/// <summary>
/// The agencies' log messages (event ids 5000–5999). Item ids, event codes, Naqil-Ids, topics and
/// problem codes may be logged; API keys and personal data never are.
/// </summary>
internal static partial class Log
{
    // 5000–5099: the postal exchange
    [LoggerMessage(5000, LogLevel.Information, "Published {Code} of item {ItemId} on {Topic} as {NaqilId}")]
    public static partial void Published(ILogger logger, string code, string itemId, string topic, string naqilId);

    [LoggerMessage(5001, LogLevel.Warning, "The gateway could not take {Code} of item {ItemId} ({NaqilId}) at attempt {Attempt}: {Reason}; it stays pending, with those after it")]
    public static partial void PublishDeferred(ILogger logger, string code, string itemId, string naqilId, int attempt, string reason);

    [LoggerMessage(5002, LogLevel.Error, "The gateway refused {Code} of item {ItemId} ({NaqilId}) for good: {Reason}; see GET /publications?state=failed")]
    public static partial void PublishFailed(ILogger logger, string code, string itemId, string naqilId, string reason);

    [LoggerMessage(5003, LogLevel.Warning, "Could not read the publications waiting: {Reason}; retrying in {Delay}")]
    public static partial void PublicationsUnavailable(ILogger logger, string reason, TimeSpan delay);

    [LoggerMessage(5010, LogLevel.Information, "Received {Code} of item {ItemId} from {Topic} ({NaqilId}): {Outcome}")]
    public static partial void Received(ILogger logger, string? code, string? itemId, string? topic, string? naqilId, string outcome);

    [LoggerMessage(5011, LogLevel.Warning, "Refused an event from {Topic} ({NaqilId}): {Problem}, {Detail}")]
    public static partial void ReceiveRefused(ILogger logger, string? topic, string? naqilId, string problem, string detail);

    // 5100–5199: the sandbox simulator
    [LoggerMessage(5100, LogLevel.Debug, "Simulated {Code} of item {ItemId} at {Office}")]
    public static partial void Simulated(ILogger logger, string code, string itemId, string office);

    [LoggerMessage(5101, LogLevel.Warning, "A simulator tick failed: {Reason}")]
    public static partial void SimulatorTickFailed(ILogger logger, string reason);

    // 5200–5299: the telecom regulator
    [LoggerMessage(5200, LogLevel.Information, "Settlement statement {Period} for {Partner} on {Topic} ({NaqilId}): {State} {Error}")]
    public static partial void SettlementPublished(ILogger logger, string period, string partner, string topic, string naqilId, string state, string error);

    [LoggerMessage(5201, LogLevel.Warning, "Could not publish settlement statements now: {Reason}")]
    public static partial void SettlementUnavailable(ILogger logger, string reason);
}

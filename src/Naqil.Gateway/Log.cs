using Microsoft.Extensions.Logging;

namespace Naqil.Gateway;

/// <summary>
/// The gateway's log messages (event ids 3000–3999). Identifiers of subsystems and services may be
/// logged; header values, keys, tokens and personal data never are.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(3001, LogLevel.Information, "Adopted trust configuration serial {Serial}, expires {Expires:O}")]
    public static partial void TrustAdopted(ILogger logger, long serial, DateTimeOffset expires);

    [LoggerMessage(3002, LogLevel.Warning, "Trust configuration refused: {Reason}")]
    public static partial void TrustRejected(ILogger logger, string reason);

    [LoggerMessage(3004, LogLevel.Information, "Adopted the trust configuration of partner {Instance}, serial {Serial}, expires {Expires:O}")]
    public static partial void PartnerTrustAdopted(ILogger logger, string instance, long serial, DateTimeOffset expires);

    [LoggerMessage(3005, LogLevel.Debug, "Trust configuration of {Instance} unchanged at serial {Serial}")]
    public static partial void TrustUnchanged(ILogger logger, string instance, long serial);

    [LoggerMessage(3006, LogLevel.Warning, "Trust configuration serial {Serial} does not list this gateway, {Gateway}: every other gateway refuses its exchanges (unknown-peer). Register it at the registry (PUT /admin/v1/gateways/{Gateway}), or set Gateway:Code to the code the registry lists for this member ({Listed})")]
    public static partial void GatewayNotListed(ILogger logger, long serial, string gateway, string listed);

    [LoggerMessage(3003, LogLevel.Warning, "Could not fetch the trust configuration from {Url}: {Reason}")]
    public static partial void TrustFetchFailed(ILogger logger, string url, string reason);

    [LoggerMessage(3010, LogLevel.Information, "Exchange refused on the {Face} face: {Code} ({Detail})")]
    public static partial void ExchangeRefused(ILogger logger, string face, string code, string detail);

    [LoggerMessage(3011, LogLevel.Warning, "TLS client certificate refused on the provider face: not in the trust configuration")]
    public static partial void UnknownTlsPeer(ILogger logger);

    [LoggerMessage(3020, LogLevel.Information, "Access rule {Action}: {Client} → {Service}")]
    public static partial void AclChanged(ILogger logger, string action, string client, string service);

    [LoggerMessage(3022, LogLevel.Information, "Access rules reloaded: another gateway of this member changed them")]
    public static partial void AclReloaded(ILogger logger);

    [LoggerMessage(3023, LogLevel.Warning, "Shared state could not be reached: {Reason}")]
    public static partial void SharedStateFailed(ILogger logger, string reason);

    [LoggerMessage(3021, LogLevel.Information, "Replay protection restored from the message log: {Restored} accepted requests still fresh, of {Read} entries read")]
    public static partial void ReplayWindowRestored(ILogger logger, int restored, long read);

    [LoggerMessage(3100, LogLevel.Information, "Message log opened on {Storage} with {Size} entries")]
    public static partial void MessageLogOpened(ILogger logger, string storage, long size);

    [LoggerMessage(3101, LogLevel.Error, "Message log cannot be written ({ErrorType}: {Reason}); exchanges are refused with log-unavailable")]
    public static partial void MessageLogWriteFailed(ILogger logger, string errorType, string reason);

    [LoggerMessage(3102, LogLevel.Information, "Message log can be written again; exchanges resume")]
    public static partial void MessageLogRecovered(ILogger logger);

    [LoggerMessage(3103, LogLevel.Warning, "Timestamping tree head {TreeSize} failed: {Reason}")]
    public static partial void TimestampFailed(ILogger logger, long treeSize, string reason);

    [LoggerMessage(3104, LogLevel.Information, "Timestamping works again")]
    public static partial void TimestampRecovered(ILogger logger);

    [LoggerMessage(3106, LogLevel.Warning, "The tree head of size {Size} was not signed: {Reason}; it is signed at a later tick once the key answers")]
    public static partial void TreeHeadNotSigned(ILogger logger, long size, string reason);

    [LoggerMessage(3105, LogLevel.Information, "Purged the bodies of {Count} log entries past their retention")]
    public static partial void BodiesPurged(ILogger logger, int count);

    [LoggerMessage(3300, LogLevel.Warning, "The event outbox could not store event {Id}: {Reason}")]
    public static partial void OutboxWriteFailed(ILogger logger, string id, string reason);

    [LoggerMessage(3301, LogLevel.Warning, "Event {Id} was withdrawn from the outbox: its log entry could not be written")]
    public static partial void EventWithdrawn(ILogger logger, string id);

    [LoggerMessage(3302, LogLevel.Warning, "Event delivery could not read or write its store ({What}): {Reason}")]
    public static partial void DeliveryStoreFailed(ILogger logger, string what, string reason);

    [LoggerMessage(3303, LogLevel.Information, "Delivery to {Subscription} failed ({Code}): {Detail}; it is tried again later")]
    public static partial void DeliveryFailed(ILogger logger, string subscription, string code, string detail);

    [LoggerMessage(3304, LogLevel.Warning, "The inbox could not record delivered events ({Reason}); the delivery is refused and will be sent again")]
    public static partial void InboxWriteFailed(ILogger logger, string reason);

    [LoggerMessage(3305, LogLevel.Information, "Forgot {Deliveries} delivered deliveries, {Events} events and {Received} received events older than {Retention}")]
    public static partial void EventsPruned(ILogger logger, int deliveries, int events, int received, TimeSpan retention);

    [LoggerMessage(3200, LogLevel.Information, "Native heap trimming is off: this system's C library has no malloc_trim (not glibc)")]
    public static partial void NativeHeapTrimUnavailable(ILogger logger);
}

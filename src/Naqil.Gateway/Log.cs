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

    [LoggerMessage(3003, LogLevel.Warning, "Could not fetch the trust configuration from {Url}: {Reason}")]
    public static partial void TrustFetchFailed(ILogger logger, string url, string reason);

    [LoggerMessage(3010, LogLevel.Information, "Exchange refused on the {Face} face: {Code} ({Detail})")]
    public static partial void ExchangeRefused(ILogger logger, string face, string code, string detail);

    [LoggerMessage(3011, LogLevel.Warning, "TLS client certificate refused on the provider face: not in the trust configuration")]
    public static partial void UnknownTlsPeer(ILogger logger);

    [LoggerMessage(3020, LogLevel.Information, "Access rule {Action}: {Client} → {Service}")]
    public static partial void AclChanged(ILogger logger, string action, string client, string service);
}

using Microsoft.Extensions.Logging;
using Naqil.Registry.Certificates;

namespace Naqil.Registry;

/// <summary>
/// Every log message of the registry, event ids 2000–2999. Tokens, keys and certificate private
/// parts are never arguments here; certificates appear only by subject, serial or thumbprint.
/// </summary>
internal static partial class Log
{
    // 2000–2099: keys and storage
    [LoggerMessage(2000, LogLevel.Information, "Generated the registry keys of {Instance}: anchor {AnchorThumbprint}, root CA {RootThumbprint}")]
    public static partial void KeysGenerated(ILogger logger, string instance, string anchorThumbprint, string rootThumbprint);

    [LoggerMessage(2001, LogLevel.Information, "Loaded the registry keys of {Instance}: anchor {AnchorThumbprint}, root CA {RootThumbprint}")]
    public static partial void KeysLoaded(ILogger logger, string instance, string anchorThumbprint, string rootThumbprint);

    [LoggerMessage(2003, LogLevel.Information, "Kept the old sandbox CA of {Instance} ({Thumbprint}) in trustedCas so the certificates it issued still chain; it issues nothing new")]
    public static partial void LegacyCaKept(ILogger logger, string instance, string thumbprint);

    [LoggerMessage(2002, LogLevel.Information, "Registry store ready ({Storage}) at serial {Serial}")]
    public static partial void StoreReady(ILogger logger, string storage, long serial);

    // 2100–2199: admin API
    [LoggerMessage(2100, LogLevel.Warning, "Refused an admin request from {RemoteAddress}: {Reason}")]
    public static partial void AdminUnauthorized(ILogger logger, string? remoteAddress, string reason);

    [LoggerMessage(2101, LogLevel.Information, "{Action} {Entity} {Id}; serial is now {Serial}")]
    public static partial void RegistryChanged(ILogger logger, string action, string entity, string id, long serial);

    // 2200–2299: the PKI (issuing, revoking, CRLs, OCSP)
    [LoggerMessage(2200, LogLevel.Information, "The {Issuer} CA issued a {Kind} certificate for '{Subject}', serial {SerialNumber}, valid until {NotAfter:O}")]
    public static partial void CertificateIssued(ILogger logger, CertificateKind kind, string issuer, string subject, string serialNumber, DateTimeOffset notAfter);

    [LoggerMessage(2201, LogLevel.Information, "Refused to issue a {Kind} certificate: {Reason}")]
    public static partial void CertificateRefused(ILogger logger, CertificateKind kind, string reason);

    [LoggerMessage(2202, LogLevel.Warning, "Revoked the {Issuer} CA's certificate {SerialNumber} ('{Subject}'): {Reason}")]
    public static partial void CertificateRevoked(ILogger logger, string issuer, string serialNumber, string subject, string reason);

    [LoggerMessage(2203, LogLevel.Information, "Signed CRL number {Number} of the {Issuer} CA with {Count} revoked certificates, next update {NextUpdate:O}")]
    public static partial void CrlSigned(ILogger logger, string issuer, long number, int count, DateTimeOffset nextUpdate);

    [LoggerMessage(2204, LogLevel.Information, "Issued the {Issuer} CA's OCSP responder certificate, serial {SerialNumber}, valid until {NotAfter:O}")]
    public static partial void OcspSignerIssued(ILogger logger, string issuer, string serialNumber, DateTimeOffset notAfter);

    [LoggerMessage(2205, LogLevel.Debug, "Answered an OCSP request to the {Issuer} CA: {Status}")]
    public static partial void OcspAnswered(ILogger logger, string issuer, string status);

    [LoggerMessage(2206, LogLevel.Error, "Could not answer an OCSP request to the {Issuer} CA; answered internalError")]
    public static partial void OcspFailed(ILogger logger, string issuer, Exception exception);

    // 2300–2399: trust configuration
    [LoggerMessage(2301, LogLevel.Warning, "The trust configuration was not signed anew ({Reason}); serial {Serial}, still valid, is served until the key answers")]
    public static partial void ConfigurationNotResigned(ILogger logger, long serial, string reason);

    [LoggerMessage(2300, LogLevel.Information, "Signed trust configuration serial {Serial}, expires {Expires:O}, ETag {ETag}")]
    public static partial void ConfigurationSigned(ILogger logger, long serial, DateTimeOffset expires, string eTag);
}

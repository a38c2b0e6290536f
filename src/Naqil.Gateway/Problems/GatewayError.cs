namespace Naqil.Gateway.Problems;

/// <summary>Every way a gateway refuses an exchange. <see cref="GatewayErrors"/> maps each to one status and code.</summary>
internal enum GatewayError
{
    BadIdentifier,
    BadHeader,
    BadPath,
    ClientUnauthenticated,
    UnknownClient,
    UnknownService,
    UnknownPeer,
    PurposeRequired,
    AccessDenied,
    FederationNotAllowed,
    BadSignature,
    StaleSignature,
    Replayed,
    TooLarge,
    ConfigExpired,
    ProviderUnreachable,
    ProviderTimeout,
    BackendUnreachable,
    BackendTimeout,
    BadResponseSignature,
    ResponseTooLarge,
    Overloaded,
    LogUnavailable,
    TimestampUnavailable,
    Unauthorized,
    NotFound,
    BadRequest,
    UnknownTopic,
    NotPublisher,
    BadBody,
    IdReused,
}

internal readonly record struct GatewayErrorInfo(int Status, string Code, string Title);

internal static class GatewayErrors
{
    public static GatewayErrorInfo Describe(GatewayError error) => error switch
    {
        GatewayError.BadIdentifier => new(400, "bad-identifier", "An identifier is malformed"),
        GatewayError.BadHeader => new(400, "bad-header", "A Naqil header is malformed"),
        GatewayError.BadPath => new(400, "bad-path", "The request path is not allowed"),
        GatewayError.ClientUnauthenticated => new(401, "client-unauthenticated", "The caller is not authenticated for the client it names"),
        GatewayError.UnknownClient => new(403, "unknown-client", "The client subsystem is not known"),
        GatewayError.UnknownService => new(404, "unknown-service", "The service is not known"),
        GatewayError.UnknownPeer => new(403, "unknown-peer", "The calling gateway is not in the trust configuration"),
        GatewayError.PurposeRequired => new(400, "purpose-required", "The service handles personal data and needs a purpose"),
        GatewayError.FederationNotAllowed => new(403, "federation-not-allowed", "Traffic with that instance is not allowed"),
        GatewayError.AccessDenied => new(403, "access-denied", "The client may not call this service"),
        GatewayError.BadSignature => new(401, "bad-signature", "The request's signature does not verify"),
        GatewayError.StaleSignature => new(401, "stale-signature", "The signature was created outside the allowed clock skew"),
        GatewayError.Replayed => new(409, "replayed", "This exchange was already received"),
        GatewayError.TooLarge => new(413, "too-large", "The body is larger than the gateway accepts"),
        GatewayError.ConfigExpired => new(503, "config-expired", "The trust configuration is missing or expired"),
        GatewayError.ProviderUnreachable => new(502, "provider-unreachable", "The provider could not be reached"),
        GatewayError.ProviderTimeout => new(504, "provider-timeout", "The provider did not answer in time"),
        GatewayError.BackendUnreachable => new(502, "backend-unreachable", "The provider gateway could not reach the service's backend"),
        GatewayError.BackendTimeout => new(504, "backend-timeout", "The service's backend did not answer the provider gateway in time"),
        GatewayError.BadResponseSignature => new(502, "bad-response-signature", "The provider's response signature does not verify"),
        GatewayError.ResponseTooLarge => new(502, "response-too-large", "The provider's response is larger than the gateway accepts"),
        GatewayError.LogUnavailable => new(503, "log-unavailable", "The message log cannot record exchanges now"),
        GatewayError.TimestampUnavailable => new(503, "timestamp-unavailable", "The message log cannot get trusted timestamps"),
        GatewayError.Overloaded => new(503, "overloaded", "The gateway cannot take more exchanges now"),
        GatewayError.Unauthorized => new(401, "unauthorized", "Authentication is required"),
        GatewayError.NotFound => new(404, "not-found", "Nothing is here"),
        GatewayError.BadRequest => new(400, "bad-request", "The request is malformed"),
        GatewayError.UnknownTopic => new(404, "unknown-topic", "The topic is not known"),
        GatewayError.NotPublisher => new(403, "not-publisher", "The client may not publish on this topic"),
        GatewayError.BadBody => new(400, "bad-body", "The body is not what the gateway accepts"),
        GatewayError.IdReused => new(409, "id-reused", "The Naqil-Id was already used for another event"),
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, null),
    };
}

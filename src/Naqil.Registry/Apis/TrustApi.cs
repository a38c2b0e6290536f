using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Naqil.Registry.Certificates;
using Naqil.Registry.Storage;
using Naqil.Registry.TrustConfiguration;
using Naqil.Trust;

namespace Naqil.Registry.Apis;

/// <summary>The unauthenticated face gateways and partners read: the signed configuration, the anchor, health.</summary>
internal static class TrustApi
{
    public const string PemContentType = "application/x-pem-file";

    public static void MapTrustApi(this IEndpointRouteBuilder endpoints)
    {
        var trust = endpoints.MapGroup("/trust/v1");
        trust.MapGet("/config", GetConfiguration);
        trust.MapGet("/anchor", GetAnchor);
        endpoints.MapGet("/health", GetHealth);
    }

    /// <summary>
    /// The body is the exact signed payload, the detached JWS travels in <c>Naqil-Config-Signature</c>.
    /// <c>Cache-Control: no-cache</c> makes every cache revalidate, since the document expires.
    /// </summary>
    private static async Task<Results<FileContentHttpResult, StatusCodeHttpResult, RegistryProblem>> GetConfiguration(
        HttpContext context, TrustConfigurationPublisher publisher, CancellationToken cancellationToken)
    {
        PublishedConfiguration current;
        try
        {
            current = await publisher.GetCurrentAsync(cancellationToken);
        }
        catch (Naqil.Keys.SigningUnavailableException e)
        {
            return RegistryProblem.SigningUnavailable(e);
        }

        var headers = context.Response.Headers;
        headers.ETag = current.ETag;
        headers.CacheControl = "no-cache";
        if (Matches(context.Request, current.ETag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        headers[SignedTrustConfiguration.SignatureHeader] = current.Signed.Jws;
        return TypedResults.Bytes(current.Signed.Payload, "application/json");
    }

    private static ContentHttpResult GetAnchor(RegistryKeys keys) => TypedResults.Text(keys.ExportAnchorPem(), PemContentType);

    private static async Task<Ok<HealthResponse>> GetHealth(IRegistryStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(new HealthResponse("ok", await store.GetSerialAsync(cancellationToken)));

    // Weak comparison (RFC 9110 §13.1.2): a tag matches whether or not the client marked it W/.
    // "*" counts only as the whole field value (RFC 9110 §13.1.2: "*" / #entity-tag); in a list it
    // is malformed, and a malformed condition is ignored, so the document is sent.
    private static bool Matches(HttpRequest request, string eTag)
    {
        var raw = request.Headers.IfNoneMatch;
        if (raw.Count == 1 && raw[0]?.Trim() == "*")
        {
            return true;
        }

        var tags = request.GetTypedHeaders().IfNoneMatch;
        return !tags.Any(t => t.Tag.Equals("*")) && tags.Any(t => t.Tag.Equals(eTag));
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Naqil.Registry.Certificates.Tsa;

/// <summary>The RFC 3161 §3.4 HTTP binding for <see cref="TimestampAuthority"/>.</summary>
public static class TimestampAuthorityEndpoints
{
    /// <summary>The request media type.</summary>
    public const string QueryMediaType = "application/timestamp-query";

    /// <summary>The response media type.</summary>
    public const string ReplyMediaType = "application/timestamp-reply";

    /// <summary>The largest request accepted; a TimeStampReq for a SHA-512 imprint is under 200 bytes.</summary>
    public const int MaxRequestBytes = 64 * 1024;

    /// <summary>
    /// Maps <c>POST {pattern}</c>: a <c>application/timestamp-query</c> body gets a
    /// <c>application/timestamp-reply</c> (200, even when the TSA rejects the request, as the
    /// status is inside the reply); another content type gets 415 and a body over 64 KiB 413, both
    /// as problem+json. Needs a <see cref="TimestampAuthority"/> registered as a service.
    /// </summary>
    public static IEndpointRouteBuilder MapNaqilTimestampAuthority(this IEndpointRouteBuilder endpoints, string pattern = "/tsa")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost(pattern, RespondAsync).WithName("NaqilTimestampAuthority");
        return endpoints;
    }

    private static async Task<IResult> RespondAsync(HttpContext context, [FromServices] TimestampAuthority authority)
    {
        var request = context.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) ||
            !mediaType.MediaType.Equals(QueryMediaType, StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type",
                detail: $"Send the TimeStampReq as {QueryMediaType}.");
        }

        if (request.ContentLength > MaxRequestBytes)
        {
            return TooLarge();
        }

        // Read one byte past the limit to tell "exactly 64 KiB" from "more", whatever the headers say.
        var buffer = new byte[(int)(request.ContentLength ?? MaxRequestBytes) + 1];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted);
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        if (length > MaxRequestBytes)
        {
            return TooLarge();
        }

        return TypedResults.Bytes(authority.Respond(buffer[..length]), ReplyMediaType);
    }

    private static ProblemHttpResult TooLarge() => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Request too large",
        detail: $"A TimeStampReq is at most {MaxRequestBytes} bytes.");
}

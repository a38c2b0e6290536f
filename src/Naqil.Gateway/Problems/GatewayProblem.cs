using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Naqil.Gateway.Problems;

/// <summary>A refusal: which error, and a sentence that says what was wrong and what to do.</summary>
/// <param name="Error">The error, which fixes the status and code.</param>
/// <param name="Detail">For the caller, in the problem+json body.</param>
/// <param name="LogDetail">For the gateway's console log, when <paramref name="Detail"/> may name a person (a path with a national id): the same without it.</param>
internal readonly record struct GatewayProblem(GatewayError Error, string Detail, string? LogDetail = null)
{
    public const string ErrorHeader = "Naqil-Error";

    /// <summary>The problem+json body (RFC 9457) with the stable code as an extension member.</summary>
    public byte[] ToJson(string? naqilId)
    {
        var info = GatewayErrors.Describe(Error);
        using var stream = new MemoryStream(256);
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("type", $"https://naqil.dev/errors/{info.Code}");
            writer.WriteString("title", info.Title);
            writer.WriteNumber("status", info.Status);
            writer.WriteString("detail", Detail);
            writer.WriteString("code", info.Code);
            if (naqilId is not null)
            {
                writer.WriteString("naqilId", naqilId);
            }

            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    public async Task WriteAsync(HttpContext context, string? naqilId)
    {
        var info = GatewayErrors.Describe(Error);
        var body = ToJson(naqilId);
        var response = context.Response;
        response.StatusCode = info.Status;
        response.ContentType = "application/problem+json";
        response.Headers[ErrorHeader] = info.Code;
        if (naqilId is not null)
        {
            response.Headers[NaqilHeaders.Id] = naqilId;
        }

        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }
}

/// <summary>A refusal as an endpoint result, so minimal-API handlers return it like any other result.</summary>
internal sealed class ProblemResult(GatewayProblem problem) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext) => problem.WriteAsync(httpContext, null);
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Naqil.Registry.Apis;

internal enum RegistryError
{
    BadIdentifier,
    NotFound,
    Conflict,
    BadCertificate,
    BadRequest,
    Unauthorized,
    SigningUnavailable,
}

/// <summary>
/// Every refusal of the registry's APIs: <c>application/problem+json</c> (RFC 9457) with a stable
/// <c>code</c> member, the same code in the <c>Naqil-Error</c> header, a title and a detail
/// sentence. The one place where an error becomes a status, a code and a title.
/// </summary>
internal sealed class RegistryProblem : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ProblemDetails>, IContentTypeHttpResult
{
    public const string ErrorHeader = "Naqil-Error";

    private RegistryProblem(RegistryError error, string detail)
    {
        Error = error;
        (StatusCode, Code, var title) = Describe(error);
        Value = new ProblemDetails { Status = StatusCode, Title = title, Detail = Sentence(detail) };
        Value.Extensions["code"] = Code;
    }

    public RegistryError Error { get; }

    public string Code { get; }

    public int StatusCode { get; }

    public ProblemDetails Value { get; }

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    object? IValueHttpResult.Value => Value;

    public string ContentType => "application/problem+json";

    public static RegistryProblem BadIdentifier(string detail) => new(RegistryError.BadIdentifier, detail);

    public static RegistryProblem NotFound(string detail) => new(RegistryError.NotFound, detail);

    public static RegistryProblem Conflict(string detail) => new(RegistryError.Conflict, detail);

    public static RegistryProblem BadCertificate(string detail) => new(RegistryError.BadCertificate, detail);

    public static RegistryProblem BadRequest(string detail) => new(RegistryError.BadRequest, detail);

    public static RegistryProblem Unauthorized(string detail) => new(RegistryError.Unauthorized, detail);

    /// <summary>A key in a PKCS#11 token could not sign (docs/keys.md); the caller tries again shortly.</summary>
    public static RegistryProblem SigningUnavailable(Naqil.Keys.SigningUnavailableException e) => new(RegistryError.SigningUnavailable, $"the registry's key cannot sign now: {e.Message}");

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.Headers[ErrorHeader] = Code;
        if (Error == RegistryError.Unauthorized)
        {
            httpContext.Response.Headers.WWWAuthenticate = "Bearer";
        }

        return TypedResults.Problem(Value).ExecuteAsync(httpContext);
    }

    private static (int Status, string Code, string Title) Describe(RegistryError error) => error switch
    {
        RegistryError.BadIdentifier => (StatusCodes.Status400BadRequest, "bad-identifier", "Bad identifier"),
        RegistryError.NotFound => (StatusCodes.Status404NotFound, "not-found", "Not found"),
        RegistryError.Conflict => (StatusCodes.Status409Conflict, "conflict", "Conflict"),
        RegistryError.BadCertificate => (StatusCodes.Status400BadRequest, "bad-certificate", "Bad certificate"),
        RegistryError.BadRequest => (StatusCodes.Status400BadRequest, "bad-request", "Bad request"),
        RegistryError.Unauthorized => (StatusCodes.Status401Unauthorized, "unauthorized", "Unauthorized"),
        RegistryError.SigningUnavailable => (StatusCodes.Status503ServiceUnavailable, Naqil.Keys.SigningUnavailableException.Code, "Signing unavailable"),
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, null),
    };

    // Core and the CA phrase errors as clauses ("the member class segment ..."); a detail is a sentence.
    private static string Sentence(string text) =>
        text.Length == 0 ? text : string.Concat(char.ToUpperInvariant(text[0]).ToString(), text.AsSpan(1), text.EndsWith('.') ? "" : ".");
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Naqil.Agencies.Postal.Apis;

/// <summary>Each <see cref="PostalError"/> as one problem+json code and status, in one place.</summary>
internal static class PostalProblems
{
    public static (string Code, int Status, string Title) Describe(PostalError error) => error switch
    {
        PostalError.MalformedItemId => ("malformed-item-id", StatusCodes.Status400BadRequest, "Malformed S10 item id"),
        PostalError.MalformedRequest => ("malformed-request", StatusCodes.Status400BadRequest, "Malformed request"),
        PostalError.UnknownEventCode => ("unknown-event-code", StatusCodes.Status400BadRequest, "Unknown EMSEVT event code"),
        PostalError.UnknownOffice => ("unknown-office", StatusCodes.Status422UnprocessableEntity, "Unknown office"),
        PostalError.NotAnOfficeOfExchange => ("not-an-office-of-exchange", StatusCodes.Status422UnprocessableEntity, "Not an office of exchange"),
        PostalError.UnknownCountry => ("unknown-country", StatusCodes.Status422UnprocessableEntity, "Unknown country"),
        PostalError.WrongPost => ("wrong-post", StatusCodes.Status422UnprocessableEntity, "Not this post's event"),
        PostalError.UnknownTopic => ("unknown-topic", StatusCodes.Status422UnprocessableEntity, "Not a partner's topic"),
        PostalError.OutOfOrder => ("out-of-order", StatusCodes.Status409Conflict, "Event out of order"),
        PostalError.HistoryConflict => ("history-conflict", StatusCodes.Status409Conflict, "History differs from the one held"),
        PostalError.FutureTime => ("future-time", StatusCodes.Status422UnprocessableEntity, "Event time in the future"),
        PostalError.ItemExists => ("item-exists", StatusCodes.Status409Conflict, "Item already accepted"),
        PostalError.ItemNotFound => ("item-not-found", StatusCodes.Status404NotFound, "Item not found"),
        PostalError.TooLarge => ("too-large", StatusCodes.Status413PayloadTooLarge, "Request body too large"),
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, "not a refusal"),
    };

    public static ProblemHttpResult Problem(PostalError error, string detail)
    {
        var (code, status, title) = Describe(error);
        return TypedResults.Problem(detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["code"] = code });
    }
}

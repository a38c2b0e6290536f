using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Naqil.Agencies.Regulator.Apis;

/// <summary>Each <see cref="RegulatorError"/> as one problem+json code and status, in one place.</summary>
internal static class RegulatorProblems
{
    public static (string Code, int Status, string Title) Describe(RegulatorError error) => error switch
    {
        RegulatorError.MalformedNumber => ("malformed-number", StatusCodes.Status400BadRequest, "The number cannot be read"),
        RegulatorError.UnknownCountryCode => ("unknown-country-code", StatusCodes.Status422UnprocessableEntity, "No such country code"),
        RegulatorError.MalformedRequest => ("malformed-request", StatusCodes.Status400BadRequest, "Malformed request"),
        RegulatorError.TooLarge => ("too-large", StatusCodes.Status413PayloadTooLarge, "Request body too large"),
        RegulatorError.ClientRequired => ("client-required", StatusCodes.Status401Unauthorized, "Call through the bus"),
        RegulatorError.NotPermitted => ("not-permitted", StatusCodes.Status403Forbidden, "Not this caller's to do"),
        RegulatorError.UnknownOperator => ("unknown-operator", StatusCodes.Status422UnprocessableEntity, "Operator not licensed"),
        RegulatorError.BlockOverlaps => ("block-overlaps", StatusCodes.Status409Conflict, "Block overlaps another"),
        RegulatorError.BlockNotFound => ("block-not-found", StatusCodes.Status404NotFound, "Block not in the plan"),
        RegulatorError.TransitionNotAllowed => ("transition-not-allowed", StatusCodes.Status409Conflict, "Not allowed from the current state"),
        RegulatorError.StateChanged => ("state-changed", StatusCodes.Status409Conflict, "The request moved on meanwhile"),
        RegulatorError.NumberNotAllocated => ("number-not-allocated", StatusCodes.Status422UnprocessableEntity, "Number not allocated"),
        RegulatorError.NumberInQuarantine => ("number-in-quarantine", StatusCodes.Status422UnprocessableEntity, "Number in quarantine"),
        RegulatorError.PortOpen => ("port-open", StatusCodes.Status409Conflict, "An open port request exists"),
        RegulatorError.SameOperator => ("same-operator", StatusCodes.Status422UnprocessableEntity, "Already served by the recipient"),
        RegulatorError.PortNotFound => ("port-not-found", StatusCodes.Status404NotFound, "Port request not found"),
        RegulatorError.DeadlinePassed => ("deadline-passed", StatusCodes.Status409Conflict, "The donor's deadline passed"),
        RegulatorError.TooEarly => ("too-early", StatusCodes.Status409Conflict, "Not yet scheduled time"),
        RegulatorError.UnknownLink => ("unknown-link", StatusCodes.Status422UnprocessableEntity, "No such link"),
        RegulatorError.UnknownDestination => ("unknown-destination", StatusCodes.Status404NotFound, "No route for the destination"),
        RegulatorError.StatementNotFound => ("statement-not-found", StatusCodes.Status404NotFound, "No statement"),
        RegulatorError.UnknownTopic => ("unknown-topic", StatusCodes.Status422UnprocessableEntity, "Not a partner's topic"),
        RegulatorError.WrongPartner => ("wrong-partner", StatusCodes.Status422UnprocessableEntity, "Not this regulator's statement"),
        RegulatorError.WrongService => ("wrong-service", StatusCodes.Status404NotFound, "Not a path of this service"),
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, "not a refusal"),
    };

    public static ProblemHttpResult Problem(RegulatorError error, string detail)
    {
        var (code, status, title) = Describe(error);
        return TypedResults.Problem(detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["code"] = code });
    }

    public static ProblemHttpResult Problem<T>(Outcome<T> outcome) => Problem(outcome.Error, outcome.Detail);
}

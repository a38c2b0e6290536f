using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Naqil.Agencies.Regulator.Numbering;

namespace Naqil.Agencies.Regulator.Apis;

internal sealed record AddBlockRequest(string? Prefix, int NsnLength, string? Type, string? Area);

internal sealed record ChangeBlockRequest(string? State, string? Operator, string? Note);

internal sealed record SubmitPortRequest(string? Number);

internal sealed record PortStepRequest(string? Reason, DateTimeOffset? PortAt, string? From);

/// <summary>Number lookup, the plan's blocks and their lifecycle, the operators, and port requests.</summary>
internal static class NumberingApi
{
    private const int MaxListed = 500;

    public static RouteGroupBuilder MapNumberingApi(this RouteGroupBuilder api)
    {
        api.MapGet("/numbers/{number}", (string number, RegulatorService regulator) =>
        {
            var found = regulator.Lookup(number);
            return found.Error switch
            {
                NumberInputError.None => TypedResults.Ok(NumberView.From(number.Length <= NumberInput.MaxLength ? number : number[..NumberInput.MaxLength], found)),
                NumberInputError.UnknownCountryCode => RegulatorProblems.Problem(RegulatorError.UnknownCountryCode, found.Reason),
                _ => (IResult)RegulatorProblems.Problem(RegulatorError.MalformedNumber, found.Reason),
            };
        });
        api.MapGet("/operators", (RegulatorService regulator) => TypedResults.Ok(regulator.Profile.Operators));
        api.MapGet("/blocks", async (string? type, string? state, string? @operator, RegulatorService regulator, CancellationToken cancellationToken) =>
        {
            NumberType? typeFilter = null;
            BlockState? stateFilter = null;
            if (type is not null)
            {
                if (!NumberingPlan.TryParseType(type, out var t))
                {
                    return RegulatorProblems.Problem(RegulatorError.MalformedRequest, $"type must be one of {string.Join(", ", NumberingPlan.Types.Select(NumberingPlan.Name))}");
                }

                typeFilter = t;
            }

            if (state is not null)
            {
                if (!NumberingPlan.TryParseState(state, out var s))
                {
                    return RegulatorProblems.Problem(RegulatorError.MalformedRequest, $"state must be one of {string.Join(", ", NumberingPlan.States.Select(NumberingPlan.Name))}");
                }

                stateFilter = s;
            }

            var blocks = (await regulator.BlocksAsync(cancellationToken))
                .Where(b => (typeFilter is null || b.Type == typeFilter) && (stateFilter is null || b.State == stateFilter) && (@operator is null || b.Operator == @operator))
                .Take(MaxListed).Select(b => BlockView.From(b, regulator.Profile.CountryCode)).ToList();
            return (IResult)TypedResults.Ok(new BlockListView(blocks.Count, blocks));
        });
        api.MapGet("/blocks/{prefix}", async (string prefix, RegulatorService regulator, CancellationToken cancellationToken) =>
            await regulator.BlockAsync(prefix, cancellationToken) is { } found
                ? TypedResults.Ok(new BlockDetailView(BlockView.From(found.Block, regulator.Profile.CountryCode), [.. found.History.Select(BlockChangeView.Of)]))
                : (IResult)RegulatorProblems.Problem(RegulatorError.BlockNotFound, $"no block {RegulatorIds.Shown(prefix)} is in the plan; GET /blocks lists them"));
        api.MapPost("/blocks", async (HttpRequest request, RegulatorService regulator, CancellationToken cancellationToken) =>
        {
            var (body, refusal) = await RegulatorApi.ReadAsync<AddBlockRequest>(request, "{\"prefix\": \"97\", \"nsnLength\": 9, \"type\": \"mobile\"}", cancellationToken);
            return refusal ?? RegulatorApi.Answer(await regulator.AddBlockAsync(RegulatorApi.Client(request), body!.Prefix, body.NsnLength, body.Type, body.Area, cancellationToken),
                b => BlockView.From(b, regulator.Profile.CountryCode), b => $"/blocks/{b.Prefix}");
        });
        api.MapPost("/blocks/{prefix}/state", async (string prefix, HttpRequest request, RegulatorService regulator, CancellationToken cancellationToken) =>
        {
            var (body, refusal) = await RegulatorApi.ReadAsync<ChangeBlockRequest>(request, "{\"state\": \"reserved\", \"operator\": \"WAFA\", \"note\": \"licence 2026/14\"}", cancellationToken);
            return refusal ?? RegulatorApi.Answer(await regulator.ChangeBlockAsync(RegulatorApi.Client(request), prefix, body!.State, body.Operator, body.Note, cancellationToken),
                b => BlockView.From(b, regulator.Profile.CountryCode));
        });
        return api;
    }

    public static RouteGroupBuilder MapPortsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/ports", async (HttpRequest request, RegulatorService regulator, CancellationToken cancellationToken) =>
        {
            var (body, refusal) = await RegulatorApi.ReadAsync<SubmitPortRequest>(request, "{\"number\": \"0944 123 456\"}", cancellationToken);
            return refusal ?? RegulatorApi.Answer(await regulator.SubmitPortAsync(RegulatorApi.Client(request), body!.Number, cancellationToken),
                r => PortView.From(r.Request, r.Steps), r => $"/ports/{r.Request.Id}");
        });
        api.MapGet("/ports", async (string? @operator, int? limit, RegulatorService regulator, CancellationToken cancellationToken) =>
        {
            var requests = await regulator.PortsAsync(@operator, Math.Clamp(limit ?? 50, 1, 200), cancellationToken);
            return TypedResults.Ok(new PortListView(requests.Count, [.. requests.Select(r => PortView.From(r))]));
        });
        api.MapGet("/ports/{id}", async (string id, RegulatorService regulator, CancellationToken cancellationToken) =>
            RegulatorApi.Answer(await regulator.PortAsync(id, cancellationToken), r => PortView.From(r.Request, r.Steps)));
        api.MapPost("/ports/{id}/{step}", async (string id, string step, HttpRequest request, RegulatorService regulator, CancellationToken cancellationToken) =>
        {
            PortStepRequest? body = new(null, null, null);
            if (request.ContentLength is not 0 && (request.ContentLength is not null || request.Headers.TransferEncoding.Count > 0))
            {
                (body, var refusal) = await RegulatorApi.ReadAsync<PortStepRequest>(request, "{\"reason\": \"subscriber-id-mismatch\", \"from\": \"validated\"} or {\"portAt\": \"2026-12-09T22:00:00Z\"}", cancellationToken);
                if (refusal is not null)
                {
                    return refusal;
                }
            }

            return RegulatorApi.Answer(await regulator.ActAsync(RegulatorApi.Client(request), id, step, body!.Reason, body.PortAt, cancellationToken, body.From), r => PortView.From(r.Request, r.Steps));
        });
        return api;
    }
}

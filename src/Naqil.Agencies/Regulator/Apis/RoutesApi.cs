using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Naqil.Agencies.Regulator.Routes;
using Naqil.Agencies.Regulator.Settlement;

namespace Naqil.Agencies.Regulator.Apis;

internal sealed record LinkRequest(string? Name, string? Kind, string? Operator, double CapacityGbps, double UsedGbps, IReadOnlyList<string>? LandingPoints, string? Status);

internal sealed record LinkStatusRequest(string? Status, double? UsedGbps);

internal sealed record RoutesRequest(IReadOnlyList<string>? Links);

/// <summary>International links (with their utilisation alarms), the route table and its failovers, and settlement statements.</summary>
internal static class RoutesApi
{
    public static RouteGroupBuilder MapRoutesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/links", async (RegulatorService regulator, CancellationToken cancellationToken) =>
            TypedResults.Ok(LinkListView.From((await regulator.RouteStateAsync(cancellationToken)).Links)));
        api.MapPut("/links/{id}", async (string id, HttpRequest request, RegulatorService regulator, CancellationToken cancellationToken) =>
        {
            var (body, refusal) = await RegulatorApi.ReadAsync<LinkRequest>(request,
                "{\"name\": \"UGARIT\", \"kind\": \"submarine-cable\", \"operator\": \"SYTEL\", \"capacityGbps\": 100, \"usedGbps\": 42, \"landingPoints\": [\"Tartus\", \"Pentaskhinos\"], \"status\": \"up\"}", cancellationToken);
            if (refusal is not null)
            {
                return refusal;
            }

            if (!RouteTable.TryParseStatus(body!.Status ?? "up", out var status))
            {
                return RegulatorProblems.Problem(RegulatorError.MalformedRequest, "status must be one of up, degraded, down");
            }

            var link = new InternationalLink(id, body.Name ?? "", body.Kind ?? "", body.Operator ?? "", body.CapacityGbps, body.UsedGbps, body.LandingPoints ?? [], status, default);
            return RegulatorApi.Answer(await regulator.PutLinkAsync(RegulatorApi.Client(request), link, cancellationToken), LinkChange, l => $"/links/{l.Link.Id}");
        });
        api.MapPost("/links/{id}/status", async (string id, HttpRequest request, RegulatorService regulator, CancellationToken cancellationToken) =>
        {
            var (body, refusal) = await RegulatorApi.ReadAsync<LinkStatusRequest>(request, "{\"status\": \"down\"} or {\"status\": \"up\", \"usedGbps\": 85}", cancellationToken);
            return refusal ?? RegulatorApi.Answer(await regulator.SetLinkStatusAsync(RegulatorApi.Client(request), id, body!.Status, body.UsedGbps, cancellationToken), LinkChange);
        });
        api.MapGet("/routes", async (RegulatorService regulator, CancellationToken cancellationToken) =>
        {
            var state = await regulator.RouteStateAsync(cancellationToken);
            var destinations = state.Destinations.Order(StringComparer.Ordinal).Select(d => DestinationView.From(d, state, null)).ToList();
            return TypedResults.Ok(new RouteTableView(destinations.Count, destinations, [.. state.Unrouted.Select(d => "+" + d)]));
        });
        api.MapGet("/routes/{destination}", async (string destination, RegulatorService regulator, CancellationToken cancellationToken) =>
        {
            var found = await regulator.RouteAsync(destination, cancellationToken);
            if (found.IsRefused)
            {
                return RegulatorProblems.Problem(found);
            }

            var (matched, state) = found.Value;
            return (IResult)TypedResults.Ok(DestinationView.From(matched, state, await regulator.RouteChangesAsync(matched, 20, cancellationToken)));
        });
        api.MapPut("/routes/{destination}", async (string destination, HttpRequest request, RegulatorService regulator, CancellationToken cancellationToken) =>
        {
            var (body, refusal) = await RegulatorApi.ReadAsync<RoutesRequest>(request, "{\"links\": [\"ALETAR\", \"JO-LAND\"]}", cancellationToken);
            if (refusal is not null)
            {
                return refusal;
            }

            var outcome = await regulator.PutRoutesAsync(RegulatorApi.Client(request), destination, body!.Links, cancellationToken);
            if (outcome.IsRefused)
            {
                return RegulatorProblems.Problem(outcome);
            }

            var state = await regulator.RouteStateAsync(cancellationToken);
            return TypedResults.Ok(DestinationView.From(destination, state, null));
        });
        api.MapGet("/route-changes", async (string? destination, int? limit, RegulatorService regulator, CancellationToken cancellationToken) =>
            TypedResults.Ok((await regulator.RouteChangesAsync(destination?.TrimStart('+'), Math.Clamp(limit ?? 50, 1, 500), cancellationToken)).Select(RouteChangeView.Of)));
        return api;
    }

    private static LinkChangeView LinkChange(LinkChangeResult r) => new(LinkView.From(r.Link), [.. r.Changes.Select(RouteChangeView.Of)], [.. r.Unrouted.Select(d => "+" + d)]);

    public static RouteGroupBuilder MapSettlementApi(this RouteGroupBuilder api)
    {
        api.MapPost("/settlement/statements", async (HttpRequest request, RegulatorService regulator, CancellationToken cancellationToken) =>
        {
            var (body, refusal) = await RegulatorApi.ReadAsync<SettlementStatement>(request,
                "{\"period\": \"2026-11\", \"country\": \"SY\", \"partner\": \"IQ\", \"lines\": [{\"from\": \"SY\", \"to\": \"IQ\", \"originCarrier\": \"SYRIATEL\", \"terminatingCarrier\": \"ASIACELL\", \"trafficType\": \"voice-mobile\", \"minutes\": 1250000}]}",
                cancellationToken);
            return refusal ?? RegulatorApi.Answer(await regulator.PutStatementAsync(RegulatorApi.Client(request), body, cancellationToken), StatementView.From,
                s => $"/settlement/statements?period={s.Period}");
        });
        api.MapGet("/settlement/statements", async (string? state, int? limit, RegulatorService regulator, CancellationToken cancellationToken) =>
        {
            string[] states = [RegulatorService.Pending, RegulatorService.Published, RegulatorService.Failed, RegulatorService.Received, RegulatorService.Local];
            if (state is not null && !states.Contains(state))
            {
                return RegulatorProblems.Problem(RegulatorError.MalformedRequest, $"state must be one of {string.Join(", ", states)}");
            }

            var statements = await regulator.StatementsAsync(state, Math.Clamp(limit ?? 50, 1, 200), cancellationToken);
            return (IResult)TypedResults.Ok(new StatementListView(statements.Count, [.. statements.Select(StatementView.From)]));
        });
        api.MapGet("/settlement/{period}/reconciliation", async (string period, string? partner, RegulatorService regulator, SettlementExchangeOptions exchange, CancellationToken cancellationToken) =>
        {
            partner ??= exchange.PartnerTopics.Count == 1 ? exchange.PartnerTopics[0].Split('/')[0] : null;
            if (partner is null || partner.Length != 2 || !partner.All(char.IsAsciiLetterUpper))
            {
                return RegulatorProblems.Problem(RegulatorError.MalformedRequest, "name the partner country: ?partner=IQ");
            }

            return RegulatorApi.Answer(await regulator.ReconcileAsync(period, partner, cancellationToken), ReconciliationView.From);
        });
        api.MapPost("/events/settlement", async (HttpRequest request, RegulatorService regulator, SettlementExchangeOptions exchange, CancellationToken cancellationToken) =>
        {
            var (body, tooLarge) = await RegulatorApi.ReadBytesAsync(request, cancellationToken);
            if (tooLarge is not null)
            {
                return tooLarge;
            }

            var topic = request.Headers["Naqil-Service"].ToString() is { Length: > 0 } t ? t : null;
            return RegulatorApi.Answer(await regulator.ReceiveStatementAsync(topic, RegulatorApi.Client(request), exchange.PartnerTopics, body, cancellationToken), StatementView.From,
                s => $"/settlement/statements?period={s.Period}");
        });
        return api;
    }
}

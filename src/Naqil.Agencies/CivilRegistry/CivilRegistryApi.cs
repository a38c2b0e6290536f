using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Naqil.Agencies.Payments.Bus;

namespace Naqil.Agencies.CivilRegistry;

/// <summary>
/// The sample civil registry backend (<c>SY/GOV/CIVREG/registry/persons</c>): a plain REST API,
/// unaware of Naqil, reachable only through its member's gateway.
/// </summary>
public static class CivilRegistryApi
{
    private const int MaxResults = 50;
    private static readonly Dictionary<string, Person> ById = SyntheticPersons.All.ToDictionary(p => p.NationalId, StringComparer.Ordinal);

    public static IEndpointRouteBuilder MapCivilRegistry(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/persons/{id}", GetPerson);
        endpoints.MapPost("/persons/search", SearchAsync);
        if (endpoints.ServiceProvider.GetService(typeof(ExtractIssuer)) is not null)
        {
            endpoints.MapPost("/extracts", IssueExtractAsync);
        }

        return endpoints;
    }

    /// <summary>
    /// A sealed extract of one person's civil record, <c>{"nationalId": "01010000001"}</c>: the
    /// PDF, <c>application/pdf</c>. Reached through the gateway only, which requires a purpose
    /// (the service is marked personal-data). With <c>"paymentId"</c>, the fee's payment is checked
    /// with the payment service over the bus first (<see cref="PaymentConfirmation"/>): 402 <c>payment-not-confirmed</c> unless captured.
    /// </summary>
    private static async Task<IResult> IssueExtractAsync(HttpRequest request, ExtractIssuer issuer, CancellationToken cancellationToken)
    {
        ExtractRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync<ExtractRequest>(cancellationToken);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or BadHttpRequestException)
        {
            body = null;
        }

        if (body?.NationalId is not { Length: > 0 } nationalId)
        {
            return TypedResults.Problem("send a JSON body {\"nationalId\": \"01010000001\"}", statusCode: 400, title: "Malformed request");
        }

        if (!ById.TryGetValue(nationalId, out var person))
        {
            return TypedResults.Problem($"no person has national id '{(nationalId.Length <= 20 ? nationalId : nationalId[..20])}'", statusCode: 404, title: "Person not found");
        }

        // With a payment service on the bus, a paymentId is checked with it before the extract is issued.
        if (body.PaymentId is { } paymentId && request.HttpContext.RequestServices.GetService(typeof(PaymentConfirmation)) is PaymentConfirmation payments
            && await payments.RefusalAsync(paymentId, nationalId, cancellationToken) is { } refusal)
        {
            return TypedResults.Problem(refusal, statusCode: 402, title: "Payment not confirmed", extensions: new Dictionary<string, object?> { ["code"] = "payment-not-confirmed" });
        }

        var extract = await issuer.IssueAsync(person, cancellationToken);
        return TypedResults.File(extract.Pdf, "application/pdf", $"extract-{extract.Id}.pdf");
    }

    private static Results<Ok<Person>, ProblemHttpResult> GetPerson(string id) =>
        ById.TryGetValue(id, out var person)
            ? TypedResults.Ok(person)
            : TypedResults.Problem($"no person has national id '{(id.Length <= 20 ? id : id[..20])}'", statusCode: 404, title: "Person not found");

    private static async Task<Results<Ok<PersonSearchResult>, ProblemHttpResult>> SearchAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        PersonSearch? search;
        try
        {
            search = await request.ReadFromJsonAsync<PersonSearch>(cancellationToken);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or BadHttpRequestException)
        {
            search = null;
        }

        if (search is null)
        {
            return TypedResults.Problem("send a JSON body such as {\"familyName\": \"الحلبي\", \"birthYear\": 1970}", statusCode: 400, title: "Malformed search");
        }

        var limit = Math.Clamp(search.Limit ?? 10, 1, MaxResults);
        var matches = SyntheticPersons.All
            .Where(p => search.NationalId is null || p.NationalId == search.NationalId)
            .Where(p => search.FamilyName is null || p.FamilyName == search.FamilyName || string.Equals(p.FamilyNameLatin, search.FamilyName, StringComparison.OrdinalIgnoreCase))
            .Where(p => search.GivenName is null || p.GivenName == search.GivenName || string.Equals(p.GivenNameLatin, search.GivenName, StringComparison.OrdinalIgnoreCase))
            .Where(p => search.BirthYear is null || p.BirthDate.Year == search.BirthYear)
            .ToList();
        return TypedResults.Ok(new PersonSearchResult(matches.Count, matches.Take(limit).ToList()));
    }
}

public sealed record PersonSearchResult(int Total, IReadOnlyList<Person> Persons);

/// <summary>The body of <c>POST /extracts</c>.</summary>
internal sealed record ExtractRequest(string? NationalId, string? PaymentId = null);

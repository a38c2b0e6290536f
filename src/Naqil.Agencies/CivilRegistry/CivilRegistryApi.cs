using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

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
        return endpoints;
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

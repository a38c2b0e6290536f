using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Naqil.Agencies.Postal.Apis;

/// <summary>
/// A post's operator and tracking API: accept an item, record an event, list items by office and
/// status, track an item. Plain REST, unaware of Naqil; described at <c>/openapi.json</c>.
/// </summary>
internal static class PostalApi
{
    /// <summary>The largest request body taken; an event is a few hundred bytes.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    private const int MaxListed = 200;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapPostalApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var post = endpoints.ServiceProvider.GetRequiredService<PostalService>().Post;
        var openApi = PostalOpenApi.Document(post);
        endpoints.MapGet("/openapi.json", () => Results.Text(openApi, "application/json"));
        endpoints.MapGet("/offices", (PostalService postal) => TypedResults.Ok(postal.Post.Offices));
        endpoints.MapGet("/items/{itemId}", GetItemAsync);
        endpoints.MapGet("/items", ListItemsAsync);
        endpoints.MapPost("/items", AcceptItemAsync);
        endpoints.MapPost("/items/{itemId}/events", RecordEventAsync);
        endpoints.MapPostalEvents();
        return endpoints;
    }

    private static async Task<Results<Ok<ItemView>, ProblemHttpResult>> GetItemAsync(string itemId, PostalService postal, CancellationToken cancellationToken)
    {
        if (!S10Id.TryParse(itemId, out var id, out var error))
        {
            return PostalProblems.Problem(PostalError.MalformedItemId, error);
        }

        return await postal.GetAsync(id, cancellationToken) is { } item
            ? TypedResults.Ok(ItemView.From(item))
            : PostalProblems.Problem(PostalError.ItemNotFound, $"no EMS item {id} is known at the post of {postal.Post.Country}");
    }

    private static async Task<Results<Ok<ItemListView>, ProblemHttpResult>> ListItemsAsync(string? office, string? status, int? limit, PostalService postal, CancellationToken cancellationToken)
    {
        if (office is not null && postal.Post.Office(office) is null)
        {
            return PostalProblems.Problem(PostalError.UnknownOffice, $"office '{(office.Length <= 16 ? office : office[..16])}' is not an office of the post of {postal.Post.Country}; its offices are {string.Join(", ", postal.Post.Offices.Select(o => o.Code))}");
        }

        if (status is not null && EmsEvents.All.All(e => e.Status != status))
        {
            return PostalProblems.Problem(PostalError.MalformedRequest, $"status must be one of {string.Join(", ", EmsEvents.All.Select(e => e.Status))}");
        }

        var items = await postal.ListAsync(office, status, Math.Clamp(limit ?? 50, 1, MaxListed), cancellationToken);
        return TypedResults.Ok(new ItemListView(items.Count, items));
    }

    private static async Task<Results<Created<ItemView>, Ok<ItemView>, ProblemHttpResult>> AcceptItemAsync(HttpRequest request, PostalService postal, CancellationToken cancellationToken)
    {
        var (body, refusal) = await ReadAsync<AcceptItemRequest>(request, "{\"itemId\": \"EE123456785SY\", \"destination\": \"IQ\", \"office\": \"SYDAMZ\", \"time\": \"2026-11-02T08:00:00+03:00\"}", cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        return Answer(await postal.AcceptAsync(body!.ItemId, body.Destination, body.Office, body.Time, cancellationToken), $"/items/{body.ItemId}");
    }

    private static async Task<Results<Created<ItemView>, Ok<ItemView>, ProblemHttpResult>> RecordEventAsync(string itemId, HttpRequest request, PostalService postal, CancellationToken cancellationToken)
    {
        var (body, refusal) = await ReadAsync<RecordEventRequest>(request, "{\"code\": \"EMB\", \"office\": \"SYDAMA\", \"time\": \"2026-11-02T14:00:00+03:00\"}", cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        return Answer(await postal.RecordAsync(itemId, body!.Code, body.Office, body.Time, cancellationToken), $"/items/{itemId}");
    }

    internal static Results<Created<ItemView>, Ok<ItemView>, ProblemHttpResult> Answer(PostalOutcome outcome, string location) => outcome switch
    {
        { Error: not PostalError.None } => PostalProblems.Problem(outcome.Error, outcome.Detail),
        { Duplicate: true } => TypedResults.Ok(ItemView.From(outcome.Item!)),
        _ => TypedResults.Created(location, ItemView.From(outcome.Item!)),
    };

    /// <summary>Reads a JSON body of at most <see cref="MaxBodyBytes"/>, whatever its Content-Length claims.</summary>
    private static async Task<(T? Body, ProblemHttpResult? Refusal)> ReadAsync<T>(HttpRequest request, string example, CancellationToken cancellationToken)
        where T : class
    {
        var (body, tooLarge) = await BoundedBody.ReadJsonAsync<T>(request, MaxBodyBytes, Json, cancellationToken);
        if (tooLarge)
        {
            return (null, PostalProblems.Problem(PostalError.TooLarge, $"the body may be at most {MaxBodyBytes} bytes"));
        }

        if (body is not null)
        {
            return (body, null);
        }

        return (null, PostalProblems.Problem(PostalError.MalformedRequest, $"send a JSON body such as {example}"));
    }

    /// <summary>Reads a body of at most <see cref="MaxBodyBytes"/>, whatever its Content-Length claims (a chunked one is counted as it comes).</summary>
    internal static async Task<(ReadOnlyMemory<byte> Body, ProblemHttpResult? TooLarge)> ReadBytesAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await BoundedBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        return body is null ? (default, PostalProblems.Problem(PostalError.TooLarge, $"the body may be at most {MaxBodyBytes} bytes")) : (body, null);
    }
}

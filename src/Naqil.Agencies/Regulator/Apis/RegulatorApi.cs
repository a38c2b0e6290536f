using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Naqil.Agencies.Regulator.Apis;

/// <summary>
/// The regulator's API: the numbering plan and number lookup, number portability, international
/// links and routes, settlement statements. Plain REST behind the regulator's gateway, which
/// publishes it as three services (…/registers/numbering, …/routes, …/settlement): when the
/// gateway names the service (<c>Naqil-Service</c>), only that service's paths answer. Callers
/// that change anything are named by <c>Naqil-Client</c>, as the provider gateway forwards it.
/// </summary>
internal static class RegulatorApi
{
    /// <summary>The largest body taken: a statement of 1000 lines is about 150 KiB.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The three services the gateway publishes, by the last segment of their id, and the paths each answers.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> ServicePaths = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["numbering"] = ["/numbers", "/blocks", "/operators", "/ports"],
        ["routes"] = ["/links", "/routes", "/route-changes"],
        ["settlement"] = ["/settlement"],
    };

    public static IEndpointRouteBuilder MapRegulatorApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var regulator = endpoints.ServiceProvider.GetRequiredService<RegulatorService>();
        var openApi = RegulatorOpenApi.Document(regulator.Profile);
        endpoints.MapGet("/openapi.json", () => Results.Text(openApi, "application/json"));
        var api = endpoints.MapGroup("").AddEndpointFilter(ServiceFilter);
        api.MapNumberingApi();
        api.MapPortsApi();
        api.MapRoutesApi();
        api.MapSettlementApi();
        return endpoints;
    }

    /// <summary>Refuses a path that is not the named service's, so each service's access rules hold for its own paths only.</summary>
    private static ValueTask<object?> ServiceFilter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var service = request.Headers["Naqil-Service"].ToString();
        // Events come from the bus with the topic as Naqil-Service; the topic's own access rules admitted them.
        if (service.Length > 0 && !(request.Path.Value ?? "").StartsWith("/events/", StringComparison.Ordinal))
        {
            var last = service[(service.LastIndexOf('/') + 1)..];
            var path = request.Path.Value ?? "";
            if (!ServicePaths.TryGetValue(last, out var paths) || !paths.Any(p => path == p || path.StartsWith(p + "/", StringComparison.Ordinal)))
            {
                return ValueTask.FromResult<object?>(RegulatorProblems.Problem(RegulatorError.WrongService,
                    $"{RegulatorIds.Shown(path)} is not a path of {RegulatorIds.Shown(service)}; {string.Join("; ", ServicePaths.Select(s => $"…/{s.Key}: {string.Join(", ", s.Value)}"))}"));
            }
        }

        return next(context);
    }

    /// <summary>The calling subsystem, as the provider gateway forwards it; none for a direct call.</summary>
    public static string? Client(HttpRequest request) => request.Headers["Naqil-Client"].ToString() is { Length: > 0 } client ? client : null;

    public static IResult Answer<T, TView>(Outcome<T> outcome, Func<T, TView> view, Func<T, string>? location = null) => outcome switch
    {
        { IsRefused: true } => RegulatorProblems.Problem(outcome),
        { Created: true } when location is not null => TypedResults.Created(location(outcome.Value!), view(outcome.Value!)),
        _ => TypedResults.Ok(view(outcome.Value!)),
    };

    /// <summary>Reads a JSON body of at most <see cref="MaxBodyBytes"/>, whatever its Content-Length claims.</summary>
    public static async Task<(T? Body, IResult? Refusal)> ReadAsync<T>(HttpRequest request, string example, CancellationToken cancellationToken)
        where T : class
    {
        var (body, tooLarge) = await BoundedBody.ReadJsonAsync<T>(request, MaxBodyBytes, Json, cancellationToken);
        return tooLarge ? (null, RegulatorProblems.Problem(RegulatorError.TooLarge, $"the body may be at most {MaxBodyBytes} bytes"))
            : body is not null ? (body, null)
            : (null, RegulatorProblems.Problem(RegulatorError.MalformedRequest, $"send a JSON body such as {example}"));
    }

    public static async Task<(ReadOnlyMemory<byte> Body, IResult? TooLarge)> ReadBytesAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await BoundedBody.ReadAsync(request, MaxBodyBytes, cancellationToken);
        return body is null ? (default, RegulatorProblems.Problem(RegulatorError.TooLarge, $"the body may be at most {MaxBodyBytes} bytes")) : (body, null);
    }
}

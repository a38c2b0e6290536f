using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Naqil.Gateway.ConsumerFace;
using Naqil.Gateway.Problems;
using Naqil.Gateway.Trust;
using Naqil.Identifiers;

namespace Naqil.Gateway.Apis;

/// <summary>
/// Metaservices on the consumer face, for the member's own information systems: the clients
/// known to this gateway, the services a provider subsystem offers and a service's OpenAPI
/// description — drawn from the fresh trust configurations of the own instance and of the partners
/// this gateway may deal with, and nothing else. The caller authenticates as an exchange client does.
/// </summary>
internal static class MetaApi
{
    public static RouteGroupBuilder MapMetaApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/meta/v1");
        group.AddEndpointFilter(AuthenticateClientAsync);
        group.MapGet("/clients", Clients);
        group.MapGet("/services/{instance}/{memberClass}/{member}/{subsystem}", Services);
        group.MapGet("/openapi/{instance}/{memberClass}/{member}/{subsystem}/{service}", OpenApi);
        return group;
    }

    /// <summary>Only on the consumer face, and only for a caller authenticated as the client it names.</summary>
    private static async ValueTask<object?> AuthenticateClientAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (GatewayFaces.Of(http) != GatewayFace.Consumer)
        {
            return new ProblemResult(new GatewayProblem(GatewayError.NotFound, "metaservices are served on the consumer face"));
        }

        var client = http.Request.Headers[NaqilHeaders.Client].ToString();
        if (!SubsystemId.TryParse(client, out _, out var error))
        {
            return new ProblemResult(new GatewayProblem(GatewayError.BadIdentifier, $"Naqil-Client: {error}"));
        }

        if (http.RequestServices.GetRequiredService<ClientAuthenticator>().Authenticate(http, client) is { } authError)
        {
            return new ProblemResult(new GatewayProblem(GatewayError.ClientUnauthenticated, authError));
        }

        return await next(context);
    }

    private static IResult Clients(TrustState trust)
    {
        if (!trust.TryGetFresh(out var own))
        {
            return Expired(null);
        }

        var clients = Visible(trust, own).SelectMany(s => s.Configuration.Subsystems.Select(x => x.Id)).Order(StringComparer.Ordinal).ToList();
        return Results.Ok(new { clients });
    }

    private static IResult Services(string instance, string memberClass, string member, string subsystem, TrustState trust)
    {
        var id = $"{instance}/{memberClass}/{member}/{subsystem}";
        if (!SubsystemId.TryParse(id, out _, out var error))
        {
            return new ProblemResult(new GatewayProblem(GatewayError.BadIdentifier, error));
        }

        if (Lookup(trust, instance) is { } refusal)
        {
            return refusal;
        }

        trust.Check(instance, out var snapshot);
        var services = snapshot!.Configuration.Services
            .Where(s => s.Id.StartsWith(id + "/", StringComparison.Ordinal))
            .Select(s => new { id = s.Id, personalData = s.PersonalData, description = s.Description, hasOpenApi = s.OpenApi is not null })
            .ToList();
        return snapshot.HasSubsystem(id) ? Results.Ok(new { subsystem = id, services }) : new ProblemResult(new GatewayProblem(GatewayError.UnknownService, $"{id} is not a subsystem in the trust configuration of {instance}"));
    }

    private static IResult OpenApi(string instance, string memberClass, string member, string subsystem, string service, TrustState trust)
    {
        var id = $"{instance}/{memberClass}/{member}/{subsystem}/{service}";
        if (!ServiceId.TryParse(id, out _, out var error))
        {
            return new ProblemResult(new GatewayProblem(GatewayError.BadIdentifier, error));
        }

        if (Lookup(trust, instance) is { } refusal)
        {
            return refusal;
        }

        trust.Check(instance, out var snapshot);
        if (!snapshot!.TryGetService(id, out var entry))
        {
            return new ProblemResult(new GatewayProblem(GatewayError.UnknownService, $"service {id} is not in the trust configuration of {instance}"));
        }

        return entry.OpenApi is { } openApi
            ? Results.Text(openApi, "application/json")
            : new ProblemResult(new GatewayProblem(GatewayError.NotFound, $"service {id} publishes no OpenAPI description"));
    }

    private static IEnumerable<TrustSnapshot> Visible(TrustState trust, TrustSnapshot own)
    {
        yield return own;
        foreach (var partner in trust.AllowedPartners(own))
        {
            if (trust.Check(partner.Instance, out var snapshot) == TrustCheck.Fresh && snapshot is not null)
            {
                yield return snapshot;
            }
        }
    }

    private static ProblemResult? Lookup(TrustState trust, string instance) => trust.Check(instance, out _) switch
    {
        TrustCheck.Fresh => null,
        TrustCheck.NotAllowed => new ProblemResult(new GatewayProblem(GatewayError.FederationNotAllowed, $"this gateway does not deal with {instance}")),
        _ => Expired(instance),
    };

    private static ProblemResult Expired(string? instance) =>
        new(new GatewayProblem(GatewayError.ConfigExpired, instance is null ? "this gateway holds no fresh trust configuration" : $"this gateway holds no fresh trust configuration of {instance}"));
}

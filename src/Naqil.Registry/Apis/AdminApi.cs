using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Naqil.Identifiers;
using Naqil.Registry.Members;
using Naqil.Registry.Storage;

namespace Naqil.Registry.Apis;

/// <summary>
/// The admin API under <c>/admin/v1</c>: members, subsystems and services here; gateways and
/// partners in <c>AdminApi.Gateways.cs</c>; topics and subscriptions in <c>AdminApi.Topics.cs</c>;
/// issuing, listing and revoking certificates in <c>AdminApi.Certificates.cs</c>. Every endpoint needs the admin
/// token (<see cref="AdminTokenFilter"/>). PUT creates (201) or replaces (200); DELETE answers 204.
/// </summary>
internal static partial class AdminApi
{
    private const int MaxNameLength = 256;

    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/admin/v1");
        admin.AddEndpointFilter<AdminTokenFilter>();

        admin.MapGet("/members", ListMembers);
        admin.MapPut("/members/{instance}/{class}/{code}", PutMember);
        admin.MapDelete("/members/{instance}/{class}/{code}", DeleteMember);

        admin.MapPut("/subsystems/{instance}/{class}/{member}/{code}", PutSubsystem);
        admin.MapDelete("/subsystems/{instance}/{class}/{member}/{code}", DeleteSubsystem);

        admin.MapGet("/services", ListServices);
        admin.MapPut("/services/{instance}/{class}/{member}/{subsystem}/{code}", PutService);
        admin.MapDelete("/services/{instance}/{class}/{member}/{subsystem}/{code}", DeleteService);

        admin.MapGet("/gateways", ListGateways);
        admin.MapPut("/gateways/{instance}/{class}/{member}/{code}", PutGateway);
        admin.MapDelete("/gateways/{instance}/{class}/{member}/{code}", DeleteGateway);

        admin.MapGet("/topics", ListTopics);
        admin.MapPut("/topics/{instance}/{class}/{member}/{subsystem}/{code}", PutTopic);
        admin.MapDelete("/topics/{instance}/{class}/{member}/{subsystem}/{code}", DeleteTopic);

        admin.MapGet("/subscriptions", ListSubscriptions);
        admin.MapPut(SubscriberRoute, PutSubscription);
        admin.MapDelete(SubscriberRoute, DeleteSubscription);

        admin.MapPost("/certificates", IssueCertificate);
        admin.MapGet("/certificates", ListCertificates);
        admin.MapGet("/certificates/{issuer}/{serial}", GetCertificate);
        admin.MapPost("/certificates/{issuer}/{serial}/revoke", RevokeCertificate);

        admin.MapGet("/partners", ListPartners);
        admin.MapPut("/partners/{instance}", PutPartner);
        admin.MapDelete("/partners/{instance}", DeletePartner);
        return admin;
    }

    private static async Task<Ok<MembersResponse>> ListMembers(AdminServices services, CancellationToken cancellationToken)
    {
        var snapshot = await services.Store.ReadSnapshotAsync(cancellationToken);
        var subsystems = snapshot.Subsystems.ToLookup(s => s.Member, s => s.ToString());
        return TypedResults.Ok(new MembersResponse(
            snapshot.Serial,
            [.. snapshot.Members.Select(m => new MemberResponse(m.Id.ToString(), m.Name, [.. subsystems[m.Id]]))]));
    }

    private static async Task<Results<Created<MemberResponse>, Ok<MemberResponse>, RegistryProblem>> PutMember(
        string instance, [FromRoute(Name = "class")] string memberClass, string code, HttpRequest request, AdminServices services)
    {
        if (!RouteIdentifiers.TryMember(services.Instance, instance, memberClass, code, out var id, out var error))
        {
            return RegistryProblem.BadIdentifier(error);
        }

        var (body, problem) = await JsonBody.ReadAsync(request, AdminJsonContext.Default.MemberRequest);
        if (problem is not null)
        {
            return problem;
        }

        var name = body!.Name.Trim();
        if (name.Length is 0 or > MaxNameLength || name.Any(char.IsControl))
        {
            return RegistryProblem.BadRequest($"'name' must be 1 to {MaxNameLength} characters without control characters");
        }

        var result = await services.Store.PutMemberAsync(new MemberRecord(id, name), request.HttpContext.RequestAborted);
        services.Changed(result, "member", id.ToString());
        var response = new MemberResponse(id.ToString(), name, []);
        return result.Outcome == StoreOutcome.Created
            ? TypedResults.Created($"/admin/v1/members/{id}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<NoContent, RegistryProblem>> DeleteMember(
        string instance, [FromRoute(Name = "class")] string memberClass, string code, AdminServices services, CancellationToken cancellationToken)
    {
        if (!RouteIdentifiers.TryMember(services.Instance, instance, memberClass, code, out var id, out var error))
        {
            return RegistryProblem.BadIdentifier(error);
        }

        // Cascades to the member's subsystems, services and gateways: this is how a member is revoked.
        var result = await services.Store.DeleteMemberAsync(id, cancellationToken);
        services.Changed(result, "member", id.ToString());
        return result.Outcome == StoreOutcome.NotFound
            ? RegistryProblem.NotFound($"the member {id} is not registered; GET /admin/v1/members lists those that are")
            : TypedResults.NoContent();
    }

    private static async Task<Results<Created<SubsystemResponse>, Ok<SubsystemResponse>, RegistryProblem>> PutSubsystem(
        string instance, [FromRoute(Name = "class")] string memberClass, string member, string code, AdminServices services, CancellationToken cancellationToken)
    {
        if (!RouteIdentifiers.TrySubsystem(services.Instance, instance, memberClass, member, code, out var id, out var error))
        {
            return RegistryProblem.BadIdentifier(error);
        }

        var result = await services.Store.PutSubsystemAsync(id, cancellationToken);
        services.Changed(result, "subsystem", id.ToString());
        var response = new SubsystemResponse(id.ToString(), id.Member.ToString());
        return result.Outcome switch
        {
            StoreOutcome.ParentNotFound => MissingMember(id.Member),
            StoreOutcome.Created => TypedResults.Created($"/admin/v1/subsystems/{id}", response),
            _ => TypedResults.Ok(response),
        };
    }

    private static async Task<Results<NoContent, RegistryProblem>> DeleteSubsystem(
        string instance, [FromRoute(Name = "class")] string memberClass, string member, string code, AdminServices services, CancellationToken cancellationToken)
    {
        if (!RouteIdentifiers.TrySubsystem(services.Instance, instance, memberClass, member, code, out var id, out var error))
        {
            return RegistryProblem.BadIdentifier(error);
        }

        var result = await services.Store.DeleteSubsystemAsync(id, cancellationToken);
        services.Changed(result, "subsystem", id.ToString());
        return result.Outcome == StoreOutcome.NotFound
            ? RegistryProblem.NotFound($"the subsystem {id} is not registered; GET /admin/v1/members lists members with their subsystems")
            : TypedResults.NoContent();
    }

    private static async Task<Ok<ServicesResponse>> ListServices(AdminServices services, CancellationToken cancellationToken)
    {
        var snapshot = await services.Store.ReadSnapshotAsync(cancellationToken);
        return TypedResults.Ok(new ServicesResponse(
            snapshot.Serial,
            [.. snapshot.Services.Select(s => new ServiceResponse(s.Id.ToString(), s.PersonalData, s.Description, s.OpenApi))]));
    }

    private static async Task<Results<Created<ServiceResponse>, Ok<ServiceResponse>, RegistryProblem>> PutService(
        string instance, [FromRoute(Name = "class")] string memberClass, string member, string subsystem, string code, HttpRequest request, AdminServices services)
    {
        if (!RouteIdentifiers.TryService(services.Instance, instance, memberClass, member, subsystem, code, out var id, out var error))
        {
            return RegistryProblem.BadIdentifier(error);
        }

        var (body, problem) = await JsonBody.ReadAsync(request, AdminJsonContext.Default.ServiceRequest);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.OpenApi is { } openApi && !IsJson(openApi))
        {
            return RegistryProblem.BadRequest("'openApi' is not JSON text; send the OpenAPI description serialised as a JSON string, or omit it");
        }

        var record = new ServiceRecord(id, body.PersonalData, body.Description, body.OpenApi);
        var result = await services.Store.PutServiceAsync(record, request.HttpContext.RequestAborted);
        services.Changed(result, "service", id.ToString());
        var response = new ServiceResponse(id.ToString(), record.PersonalData, record.Description, record.OpenApi);
        return result.Outcome switch
        {
            StoreOutcome.ParentNotFound => RegistryProblem.Conflict(
                $"the subsystem {id.Subsystem} is not registered; PUT /admin/v1/subsystems/{id.Subsystem} first"),
            StoreOutcome.IdentifierTaken => RegistryProblem.Conflict(
                $"{id} is already a topic; a service and a topic never share an identifier, so an access rule names exactly one of them"),
            StoreOutcome.Created => TypedResults.Created($"/admin/v1/services/{id}", response),
            _ => TypedResults.Ok(response),
        };
    }

    private static async Task<Results<NoContent, RegistryProblem>> DeleteService(
        string instance, [FromRoute(Name = "class")] string memberClass, string member, string subsystem, string code, AdminServices services, CancellationToken cancellationToken)
    {
        if (!RouteIdentifiers.TryService(services.Instance, instance, memberClass, member, subsystem, code, out var id, out var error))
        {
            return RegistryProblem.BadIdentifier(error);
        }

        var result = await services.Store.DeleteServiceAsync(id, cancellationToken);
        services.Changed(result, "service", id.ToString());
        return result.Outcome == StoreOutcome.NotFound
            ? RegistryProblem.NotFound($"the service {id} is not registered; GET /admin/v1/services lists those that are")
            : TypedResults.NoContent();
    }

    private static RegistryProblem MissingMember(MemberId member) =>
        RegistryProblem.Conflict($"the member {member} is not registered; PUT /admin/v1/members/{member} first");

    private static bool IsJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;

namespace Naqil.Gateway.Apis;

/// <summary>Which listener a connection came in on: each Kestrel listener marks its connections.</summary>
internal enum GatewayFace
{
    Consumer,
    Provider,
}

internal static class GatewayFaces
{
    public const string ItemKey = "naqil.face";

    public static GatewayFace? Of(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(ItemKey, out var face) == true ? (GatewayFace?)face : null;
}

/// <summary>Endpoint metadata: the endpoint answers only on this face's listener.</summary>
internal sealed record GatewayFaceMetadata(GatewayFace Face);

/// <summary>
/// Lets routing choose between endpoints of the same pattern by the listener a request came in
/// on, so each face's exchange endpoint is an endpoint of its own, with its own metadata and filters.
/// </summary>
internal sealed class GatewayFaceMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    public override int Order => 0;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => endpoints.Any(e => e.Metadata.GetMetadata<GatewayFaceMetadata>() is not null);

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        var face = GatewayFaces.Of(httpContext);
        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i) && candidates[i].Endpoint.Metadata.GetMetadata<GatewayFaceMetadata>() is { } only && only.Face != face)
            {
                candidates.SetValidity(i, false);
            }
        }

        return Task.CompletedTask;
    }
}

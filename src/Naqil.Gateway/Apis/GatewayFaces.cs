using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

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

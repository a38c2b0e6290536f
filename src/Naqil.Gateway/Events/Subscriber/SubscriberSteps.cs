using Naqil.Gateway.Events.Subscriber.Steps;
using Naqil.Gateway.Pipeline.Steps;
using Naqil.Gateway.ProviderFace.Steps;

namespace Naqil.Gateway.Events.Subscriber;

/// <summary>The subscriber's steps for a delivery of events, in the order they run (docs/architecture.md shows this list).</summary>
internal static class SubscriberSteps
{
    public static readonly Type[] Default =
    [
        typeof(FreshTrustStep),
        typeof(IdentifyPeerStep),
        typeof(FederationStep),
        typeof(LogAvailableStep),
        typeof(RequireNaqilIdStep),
        typeof(ParseDeliveryTargetStep),
        typeof(IdentifyClientStep),
        typeof(ServiceHeaderStep),
        typeof(ResolveSubscriptionStep),
        typeof(ReadBodyStep),
        typeof(VerifyEventSignatureStep),
        typeof(VerifyDigestStep),
        typeof(ReplayStep),
        typeof(ReadEventsStep),
        typeof(DeliverEventsStep),
    ];
}

using Naqil.Gateway.ConsumerFace.Steps;
using Naqil.Gateway.Events.Steps;
using Naqil.Gateway.Pipeline.Steps;

namespace Naqil.Gateway.Events;

/// <summary>The events pipeline's steps in the order they run (docs/architecture.md shows this list).</summary>
internal static class EventSteps
{
    public static readonly Type[] Default =
    [
        typeof(AcceptNaqilIdStep),
        typeof(ParseTopicStep),
        typeof(IdentifyClientStep),
        typeof(AuthenticateClientStep),
        typeof(FreshTrustStep),
        typeof(RegisteredClientStep),
        typeof(ResolveTopicStep),
        typeof(TopicPurposeStep),
        typeof(LogAvailableStep),
        typeof(ReadBodyStep),
        typeof(JsonBodyStep),
        typeof(StoreEventStep),
    ];
}

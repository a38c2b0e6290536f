using Naqil.Gateway.ConsumerFace.Steps;
using Naqil.Gateway.Pipeline.Steps;

namespace Naqil.Gateway.ConsumerFace;

/// <summary>The consumer face's steps in the order they run (docs/architecture.md shows this list).</summary>
internal static class ConsumerSteps
{
    public static readonly Type[] Default =
    [
        typeof(AcceptNaqilIdStep),
        typeof(ParseTargetStep),
        typeof(IdentifyClientStep),
        typeof(AuthenticateClientStep),
        typeof(FreshTrustStep),
        typeof(RegisteredClientStep),
        typeof(FederationStep),
        typeof(ResolveServiceStep),
        typeof(CoveredHeadersStep),
        typeof(RequirePurposeStep),
        typeof(LogAvailableStep),
        typeof(ChooseProviderStep),
        typeof(ReadBodyStep),
        typeof(SignRequestStep),
        typeof(ForwardStep),
        typeof(VerifyResponseStep),
    ];
}

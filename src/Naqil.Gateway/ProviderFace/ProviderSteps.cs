using Naqil.Gateway.Pipeline.Steps;
using Naqil.Gateway.ProviderFace.Steps;

namespace Naqil.Gateway.ProviderFace;

/// <summary>The provider face's steps in the order they run (docs/architecture.md shows this list).</summary>
internal static class ProviderSteps
{
    public static readonly Type[] Default =
    [
        typeof(FreshTrustStep),
        typeof(IdentifyPeerStep),
        typeof(FederationStep),
        typeof(LogAvailableStep),
        typeof(RequireNaqilIdStep),
        typeof(ParseTargetStep),
        typeof(ResolveServiceStep),
        typeof(IdentifyClientStep),
        typeof(ServiceHeaderStep),
        typeof(ReadBodyStep),
        typeof(VerifySignatureStep),
        typeof(VerifyDigestStep),
        typeof(AccessControlStep),
        typeof(RequirePurposeStep),
        typeof(ReplayStep),
        typeof(CallBackendStep),
    ];
}

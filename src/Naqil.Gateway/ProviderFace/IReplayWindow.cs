namespace Naqil.Gateway.ProviderFace;

/// <summary>
/// The replay window shared by every gateway of a member, checked after this gateway's own
/// <see cref="ReplayCache"/> has taken the request: the local cache answers the common case in
/// memory, the shared window catches a request accepted at another gateway of the member.
/// </summary>
internal interface IReplayWindow
{
    /// <summary>True when (signer, id) was not taken yet and is now, until <paramref name="rememberUntil"/>; false when another gateway took it.</summary>
    /// <exception cref="InvalidOperationException">The shared window cannot be reached (the caller fails closed).</exception>
    ValueTask<bool> TryTakeAsync(string keyId, Guid naqilId, DateTimeOffset rememberUntil, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>One gateway alone: its own replay cache is the whole window.</summary>
internal sealed class LocalReplayWindow : IReplayWindow
{
    public ValueTask<bool> TryTakeAsync(string keyId, Guid naqilId, DateTimeOffset rememberUntil, DateTimeOffset now, CancellationToken cancellationToken) => ValueTask.FromResult(true);
}

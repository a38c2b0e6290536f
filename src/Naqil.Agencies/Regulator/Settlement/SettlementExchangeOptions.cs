namespace Naqil.Agencies.Regulator.Settlement;

/// <summary>
/// How a regulator exchanges settlement statements over Naqil's publish/subscribe: its gateway's
/// consumer face, the subsystem it publishes as, its topic, and the partners' topics whose
/// statements <c>POST /events/settlement</c> takes. Without <see cref="GatewayUrl"/> nothing is published.
/// </summary>
internal sealed record SettlementExchangeOptions
{
    public Uri? GatewayUrl { get; init; }

    public string Publisher { get; init; } = "";

    public string Topic { get; init; } = "";

    public IReadOnlyList<string> PartnerTopics { get; init; } = [];

    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Runs the publisher as a hosted service; false, the host starts it (the sandbox does, once the gateways are up).</summary>
    public bool HostPublisher { get; init; } = true;

    /// <summary>The sandbox's names: publisher <c>{member}/settlement</c>, topic <c>…/settlement/statements</c>.</summary>
    public static SettlementExchangeOptions For(RegulatorProfile profile, Uri? gatewayUrl, params RegulatorProfile[] partners)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return new SettlementExchangeOptions
        {
            GatewayUrl = gatewayUrl,
            Publisher = PublisherOf(profile),
            Topic = TopicOf(profile),
            PartnerTopics = [.. partners.Select(TopicOf)],
        };
    }

    public static string PublisherOf(RegulatorProfile profile) => $"{profile.Member}/settlement";

    public static string TopicOf(RegulatorProfile profile) => $"{PublisherOf(profile)}/statements";
}

/// <summary>Wakes the settlement publisher when a statement is queued.</summary>
internal sealed class SettlementSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Raise()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => await _signal.WaitAsync(timeout, cancellationToken);
}

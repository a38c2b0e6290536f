namespace Naqil.Agencies.Postal.Exchange;

/// <summary>
/// How a post takes part in the exchange of EMS events over Naqil's publish/subscribe: where its
/// gateway's consumer face is, as which subsystem it publishes, on which topic, and which topics'
/// events it accepts at <c>POST /events/ems</c>. Without <see cref="GatewayUrl"/> nothing is
/// published (the post works alone), and events are still received.
/// </summary>
internal sealed record PostalExchangeOptions
{
    /// <summary>The post's own gateway's consumer face, such as <c>http://127.0.0.1:4110</c>; absent, nothing is published.</summary>
    public Uri? GatewayUrl { get; init; }

    /// <summary>The publishing subsystem, sent as <c>Naqil-Client</c>: <c>SY/GOV/POST/ems</c>.</summary>
    public string Publisher { get; init; } = "";

    /// <summary>The topic this post publishes on, under <see cref="Publisher"/>: <c>SY/GOV/POST/ems/item-events</c>.</summary>
    public string Topic { get; init; } = "";

    /// <summary>The topics whose events <c>POST /events/ems</c> takes (the <c>Naqil-Service</c> header); empty, any.</summary>
    public IReadOnlyList<string> PartnerTopics { get; init; } = [];

    /// <summary>Sent as <c>Naqil-Api-Key</c> when set; the sandbox's gateways take loopback callers without one.</summary>
    public string? ApiKey { get; init; }

    /// <summary>The first wait after the gateway could not take an event; it doubles up to <see cref="RetryMaximum"/>.</summary>
    public TimeSpan RetryMinimum { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryMaximum { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long one publication may take before it counts as the gateway being unavailable.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the publisher looks for pending events without being woken; a safety net, as each recorded event wakes it.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Runs the publisher as a hosted service (the default). False, it is only registered: the host
    /// (or a test) drives <see cref="PostalPublisher.RunAsync"/> or <see cref="PostalPublisher.PublishPendingAsync"/> itself.
    /// </summary>
    public bool HostPublisher { get; init; } = true;

    /// <summary>The sandbox's names for a post: publisher <c>{country}/GOV/POST/ems</c>, topic <c>…/ems/item-events</c>, the partners' topics likewise.</summary>
    public static PostalExchangeOptions For(Post post, Uri? gatewayUrl, params string[] partnerCountries)
    {
        ArgumentNullException.ThrowIfNull(post);
        return new PostalExchangeOptions
        {
            GatewayUrl = gatewayUrl,
            Publisher = PublisherOf(post.Country),
            Topic = TopicOf(post.Country),
            PartnerTopics = [.. partnerCountries.Select(TopicOf)],
        };
    }

    public static string PublisherOf(string country) => $"{country}/GOV/POST/ems";

    public static string TopicOf(string country) => $"{PublisherOf(country)}/item-events";

    /// <summary>What is wrong with these options, each naming the option and the fix; empty when they will do.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (GatewayUrl is not null)
        {
            if (!GatewayUrl.IsAbsoluteUri || (GatewayUrl.Scheme != Uri.UriSchemeHttp && GatewayUrl.Scheme != Uri.UriSchemeHttps) || GatewayUrl.Query.Length > 0)
            {
                errors.Add($"PostalExchangeOptions.GatewayUrl '{GatewayUrl}' must be an absolute http or https URL without a query, such as http://127.0.0.1:4110");
            }

            if (Publisher.Split('/') is not { Length: 4 } parts || parts.Any(p => p.Length == 0))
            {
                errors.Add($"PostalExchangeOptions.Publisher '{Publisher}' must be a subsystem id of four segments, such as SY/GOV/POST/ems");
            }

            if (!Topic.StartsWith(Publisher + "/", StringComparison.Ordinal) || Topic.Length == Publisher.Length + 1 || Topic.Contains("//", StringComparison.Ordinal))
            {
                errors.Add($"PostalExchangeOptions.Topic '{Topic}' must be a topic of the publisher '{Publisher}', such as {Publisher}/item-events");
            }

            if (ApiKey is { } key && (key.Length == 0 || key.Any(c => c is < '!' or > '~')))
            {
                errors.Add("PostalExchangeOptions.ApiKey must be printable ASCII without spaces, or absent");
            }
        }

        if (RetryMinimum <= TimeSpan.Zero || RetryMaximum < RetryMinimum)
        {
            errors.Add("PostalExchangeOptions.RetryMinimum must be positive and no more than RetryMaximum");
        }

        if (RequestTimeout <= TimeSpan.Zero || PollInterval <= TimeSpan.Zero)
        {
            errors.Add("PostalExchangeOptions.RequestTimeout and PollInterval must be positive");
        }

        return errors;
    }
}

using Naqil.Identifiers;

namespace Naqil.Gateway.Configuration.Validation;

/// <summary>The subscriptions' delivery endpoints and the delivery's limits.</summary>
internal sealed class EventsValidator : IGatewayOptionsValidator
{
    public void Validate(GatewayOptions options, List<string> failures)
    {
        MemberId.TryParse(options.Member, out var member, out _);
        var seen = new HashSet<(string, string)>();
        for (var i = 0; i < options.Subscriptions.Count; i++)
        {
            var subscription = options.Subscriptions[i];
            var key = $"Gateway:Subscriptions:{i}";
            if (!ServiceId.TryParse(subscription.Topic, out _, out var topicError))
            {
                failures.Add($"{key}:Topic: {topicError}; write the topic's id, such as SY/GOV/POST/ems/item-events");
            }

            if (!SubsystemId.TryParse(subscription.Subscriber, out var subscriber, out var error))
            {
                failures.Add($"{key}:Subscriber: {error}; write a subsystem of this gateway's member, such as {options.Member}/ems");
            }
            else if (member is not null && subscriber.Member != member)
            {
                failures.Add($"{key}:Subscriber '{subscriber}' belongs to {subscriber.Member}, not to this gateway's member {member}; events are received by the subscriber's own member's gateway");
            }

            Urls.RequireAbsolute(failures, $"{key}:Endpoint", subscription.Endpoint, "http://127.0.0.1:5000/events");
            if (!seen.Add((subscription.Topic, subscription.Subscriber)))
            {
                failures.Add($"{key} names {subscription.Subscriber} on {subscription.Topic} a second time; give each subscription one endpoint");
            }
        }

        var events = options.Events;
        if (events.MaxBatch is < 1 or > 10_000)
        {
            failures.Add($"Gateway:Events:MaxBatch is {events.MaxBatch}; use a value between 1 and 10000 (default 100)");
        }

        if (events.MaxConcurrentSubscriptions is < 1 or > 10_000)
        {
            failures.Add($"Gateway:Events:MaxConcurrentSubscriptions is {events.MaxConcurrentSubscriptions}; use a value between 1 and 10000 (default 16)");
        }

        LimitsValidator.RequirePositive(failures, "Gateway:Events:RetryDelay", events.RetryDelay, "00:00:01");
        LimitsValidator.RequirePositive(failures, "Gateway:Events:MaxRetryDelay", events.MaxRetryDelay, "00:01:00");
        LimitsValidator.RequirePositive(failures, "Gateway:Events:DeadLetterAfter", events.DeadLetterAfter, "1.00:00:00");
        if (events.Retention < TimeSpan.FromHours(1))
        {
            failures.Add($"Gateway:Events:Retention is {events.Retention}; use at least 01:00:00 (default 7.00:00:00): resends are recognised only within it");
        }
        if (events.MaxRetryDelay < events.RetryDelay)
        {
            failures.Add($"Gateway:Events:MaxRetryDelay ({events.MaxRetryDelay}) is shorter than Gateway:Events:RetryDelay ({events.RetryDelay}); the longest wait must be at least the first");
        }
    }
}

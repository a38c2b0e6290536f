using System.Globalization;
using System.Text.Json;

namespace Naqil.Cli.Events;

/// <summary>
/// <c>naqil events subscriptions | lag | dead-letters | redeliver</c>: a gateway's event deliveries
/// through its admin API, printed as tables (or the gateway's JSON with <c>--json</c>). Failures
/// are <see cref="GatewayAdminException"/>s, which the command prints and exits 1 on.
/// </summary>
internal static class EventsCommands
{
    public const string SubscriptionsPath = "admin/v1/events/subscriptions";
    public const string DeadLettersPath = "admin/v1/events/dead-letters";
    public const string RedeliverPath = "admin/v1/events/dead-letters/redeliver";

    /// <summary>What the gateway lists when no <c>--limit</c> is given.</summary>
    public const int DefaultLimit = 100;

    public const int MaxLimit = 1000;

    private const string NoOutbound = "this gateway has delivered nothing yet (a subscription shows once an event is published on its topic)";

    public static async Task SubscriptionsAsync(GatewayAdminClient gateway, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        var body = await gateway.GetAsync(SubscriptionsPath, cancellationToken);
        if (json)
        {
            await output.WriteLineAsync(body);
            return;
        }

        var view = gateway.Read<SubscriptionsView>(body, $"GET /{SubscriptionsPath}");
        await output.WriteLineAsync("Outbound: subscriptions this gateway delivers to");
        if (view.Outbound.Count == 0)
        {
            await output.WriteLineAsync($"none: {NoOutbound}");
        }
        else
        {
            var table = new TextTable(
                new("TOPIC"), new("SUBSCRIBER"), new("PENDING", true), new("DEAD", true), new("DELIVERED", true),
                new("LAG", true), new("NEXT ATTEMPT"), new("ATTEMPTS", true), new("LAST ERROR"));
            foreach (var s in view.Outbound.OrderBy(s => s.Topic, StringComparer.Ordinal).ThenBy(s => s.Subscriber, StringComparer.Ordinal))
            {
                table.Add(s.Topic, s.Subscriber, Count(s.Pending), Count(s.Dead), Count(s.Delivered),
                    s.Pending == 0 ? "-" : Lag(s.LagSeconds), Time(s.NextAttempt), s.Pending == 0 ? "-" : Count(s.Attempts), s.LastError ?? "-");
            }

            table.Write(output);
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync("Inbound: subscriptions this gateway receives for its subsystems");
        if (view.Inbound.Count == 0)
        {
            await output.WriteLineAsync("none configured (Gateway:Subscriptions)");
            return;
        }

        var inbound = new TextTable(new("TOPIC"), new("SUBSCRIBER"), new("ENDPOINT"));
        foreach (var s in view.Inbound.OrderBy(s => s.Topic, StringComparer.Ordinal).ThenBy(s => s.Subscriber, StringComparer.Ordinal))
        {
            inbound.Add(s.Topic, s.Subscriber, s.Endpoint ?? "-");
        }

        inbound.Write(output);
    }

    /// <summary>Each outbound subscription's backlog and the age of its oldest waiting event, the furthest behind first.</summary>
    public static async Task LagAsync(GatewayAdminClient gateway, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        var view = gateway.Read<SubscriptionsView>(await gateway.GetAsync(SubscriptionsPath, cancellationToken), $"GET /{SubscriptionsPath}");
        var lags = view.Outbound
            .Select(s => new SubscriptionLag(s.Subscriber, s.Topic, s.Pending, s.Dead, s.LagSeconds, s.OldestPending))
            .OrderByDescending(l => l.LagSeconds)
            .ThenByDescending(l => l.Pending)
            .ThenBy(l => l.Subscriber, StringComparer.Ordinal)
            .ThenBy(l => l.Topic, StringComparer.Ordinal)
            .ToList();
        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(lags, EventsAdminViews.Json));
            return;
        }

        if (lags.Count == 0)
        {
            await output.WriteLineAsync($"no outbound subscriptions: {NoOutbound}");
            return;
        }

        var table = new TextTable(new("SUBSCRIBER"), new("TOPIC"), new("PENDING", true), new("DEAD", true), new("LAG SECONDS", true), new("OLDEST PENDING"));
        foreach (var l in lags)
        {
            table.Add(l.Subscriber, l.Topic, Count(l.Pending), Count(l.Dead), l.LagSeconds.ToString("0.0", CultureInfo.InvariantCulture), Time(l.OldestPending));
        }

        table.Write(output);
    }

    public static async Task DeadLettersAsync(GatewayAdminClient gateway, string? topic, string? subscriber, int? limit, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        var query = string.Join('&', new[] { ("topic", topic), ("subscriber", subscriber), ("limit", limit?.ToString(CultureInfo.InvariantCulture)) }
            .Where(p => !string.IsNullOrEmpty(p.Item2))
            .Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));
        var path = query.Length == 0 ? DeadLettersPath : $"{DeadLettersPath}?{query}";
        var body = await gateway.GetAsync(path, cancellationToken);
        if (json)
        {
            await output.WriteLineAsync(body);
            return;
        }

        var dead = gateway.Read<List<DeadLetterView>>(body, $"GET /{path}");
        if (dead.Count == 0)
        {
            await output.WriteLineAsync($"no dead letters{Scope(null, topic, subscriber)}");
            return;
        }

        var table = new TextTable(new("EVENT ID"), new("TOPIC"), new("SUBSCRIBER"), new("PUBLISHED"), new("DEAD"), new("ATTEMPTS", true), new("ERROR"));
        foreach (var d in dead)
        {
            table.Add(d.EventId, d.Topic, d.Subscriber, Time(d.Published), Time(d.Dead), Count(d.Attempts), d.Error ?? "-");
        }

        table.Write(output);
        if (dead.Count >= (limit ?? DefaultLimit) && dead.Count < MaxLimit)
        {
            await output.WriteLineAsync($"the oldest {dead.Count} shown, there may be more: --limit up to {MaxLimit}");
        }
    }

    /// <summary>Posts exactly the members of <paramref name="request"/> that are set, and says how many dead letters were put back.</summary>
    public static async Task RedeliverAsync(GatewayAdminClient gateway, RedeliverRequest request, TextWriter output, CancellationToken cancellationToken)
    {
        var body = await gateway.PostJsonAsync(RedeliverPath, JsonSerializer.Serialize(request, EventsAdminViews.Json), cancellationToken);
        var answer = gateway.Read<RedeliverAnswer>(body, $"POST /{RedeliverPath}");
        await output.WriteLineAsync(answer.Redelivered == 0
            ? $"nothing redelivered: {(request.All == true ? "the gateway holds no dead letters" : $"no dead letter{Scope(request.EventId, request.Topic, request.Subscriber)}")}"
            : $"redelivered {answer.Redelivered} dead letter{(answer.Redelivered == 1 ? "" : "s")}{Scope(request.EventId, request.Topic, request.Subscriber)}; the gateway delivers {(answer.Redelivered == 1 ? "it" : "them")} now");
    }

    /// <summary>" of event E, topic T, subscriber S" for the filters given; empty for none (all).</summary>
    private static string Scope(string? eventId, string? topic, string? subscriber)
    {
        var parts = new[] { ("event", eventId), ("topic", topic), ("subscriber", subscriber) }
            .Where(p => !string.IsNullOrEmpty(p.Item2))
            .Select(p => $"{p.Item1} {p.Item2}")
            .ToList();
        return parts.Count == 0 ? "" : $" of {string.Join(", ", parts)}";
    }

    private static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";

    /// <summary>An age as a person reads it: 42s, 3m 20s, 5h 7m, 2d 4h.</summary>
    internal static string Lag(double seconds)
    {
        var age = TimeSpan.FromSeconds(Math.Max(0, seconds));
        return age.TotalSeconds < 60 ? $"{Math.Floor(age.TotalSeconds).ToString(CultureInfo.InvariantCulture)}s"
            : age.TotalHours < 1 ? $"{age.Minutes}m {age.Seconds}s"
            : age.TotalDays < 1 ? $"{age.Hours}h {age.Minutes}m"
            : $"{(int)age.TotalDays}d {age.Hours}h";
    }
}

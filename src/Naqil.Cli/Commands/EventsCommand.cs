using System.CommandLine;
using Naqil.Cli.Events;

namespace Naqil.Cli.Commands;

/// <summary><c>naqil events subscriptions | lag | dead-letters | redeliver</c>: a gateway's event deliveries, through its admin API.</summary>
internal static class EventsCommand
{
    public static Command Create()
    {
        var command = new Command("events", "See a gateway's event subscriptions, their backlog and dead letters, and put dead letters back for delivery");
        command.Subcommands.Add(Subscriptions());
        command.Subcommands.Add(Lag());
        command.Subcommands.Add(DeadLetters());
        command.Subcommands.Add(Redeliver());
        return command;
    }

    private static Option<string> GatewayOption() => new("--gateway")
    {
        Description = "Base URL of the gateway's consumer face, where its admin API is, e.g. http://127.0.0.1:4110",
        Required = true,
    };

    private static Option<FileInfo> TokenFileOption() => new("--token-file")
    {
        Description = "File holding the gateway's admin token, Gateway:AdminToken (the sandbox keeps it in .naqil/<instance>/gateways/<member>/admin-token)",
        Required = true,
    };

    private static Option<bool> JsonOption() => new("--json") { Description = "Print JSON instead of a table" };

    private static Command Subscriptions()
    {
        var (gateway, token, json) = (GatewayOption(), TokenFileOption(), JsonOption());
        var command = new Command("subscriptions", "The subscriptions this gateway delivers to (backlog, dead letters, lag, next attempt, last error) and those it receives for its subsystems (their endpoints)") { gateway, token, json };
        command.SetAction((result, cancellationToken) => RunAsync(result, "subscriptions", gateway, token, cancellationToken,
            (client, output) => EventsCommands.SubscriptionsAsync(client, result.GetValue(json), output, cancellationToken)));
        return command;
    }

    private static Command Lag()
    {
        var (gateway, token, json) = (GatewayOption(), TokenFileOption(), JsonOption());
        var command = new Command("lag", "Each subscription's pending deliveries and the age in seconds of its oldest, the furthest behind first") { gateway, token, json };
        command.SetAction((result, cancellationToken) => RunAsync(result, "lag", gateway, token, cancellationToken,
            (client, output) => EventsCommands.LagAsync(client, result.GetValue(json), output, cancellationToken)));
        return command;
    }

    private static Command DeadLetters()
    {
        var (gateway, token, json) = (GatewayOption(), TokenFileOption(), JsonOption());
        var topic = new Option<string?>("--topic") { Description = "Only this topic's, e.g. SY/GOV/POST/ems/items" };
        var subscriber = new Option<string?>("--subscriber") { Description = "Only this subscriber's, e.g. IQ/GOV/POST/ems" };
        var limit = new Option<int?>("--limit") { Description = $"At most this many, oldest first: 1 to {EventsCommands.MaxLimit} (the gateway's default {EventsCommands.DefaultLimit})" };
        var command = new Command("dead-letters", "Events a subscription gave up on, oldest first, with their attempts and last error") { gateway, token, topic, subscriber, limit, json };
        command.SetAction((result, cancellationToken) => RunAsync(result, "dead-letters", gateway, token, cancellationToken,
            (client, output) => EventsCommands.DeadLettersAsync(client, result.GetValue(topic), result.GetValue(subscriber), result.GetValue(limit), result.GetValue(json), output, cancellationToken)));
        return command;
    }

    private static Command Redeliver()
    {
        var (gateway, token) = (GatewayOption(), TokenFileOption());
        var eventId = new Option<string?>("--event") { Description = "The dead letter of this event (its Naqil-Id); with --topic or --subscriber, only that subscription's" };
        var topic = new Option<string?>("--topic") { Description = "Every dead letter of this topic (with --subscriber: of that subscription)" };
        var subscriber = new Option<string?>("--subscriber") { Description = "Every dead letter of this subscriber (with --topic: of that subscription)" };
        var all = new Option<bool>("--all") { Description = "Every dead letter at this gateway" };
        var command = new Command("redeliver", "Put dead letters back, to be delivered now: one event's, a topic's or subscriber's, or all") { gateway, token, eventId, topic, subscriber, all };
        command.Validators.Add(result =>
        {
            var named = !string.IsNullOrEmpty(result.GetValue(eventId)) || !string.IsNullOrEmpty(result.GetValue(topic)) || !string.IsNullOrEmpty(result.GetValue(subscriber));
            if (!named && !result.GetValue(all))
            {
                result.AddError("say what to redeliver: --event ID, --topic T and/or --subscriber S, or --all");
            }
            else if (named && result.GetValue(all))
            {
                result.AddError("--all redelivers every dead letter: give it alone, or leave it out and name --event, --topic or --subscriber");
            }
        });
        command.SetAction((result, cancellationToken) => RunAsync(result, "redeliver", gateway, token, cancellationToken,
            (client, output) => EventsCommands.RedeliverAsync(client, new RedeliverRequest(
                Given(result.GetValue(eventId)), Given(result.GetValue(topic)), Given(result.GetValue(subscriber)), result.GetValue(all) ? true : null), output, cancellationToken)));
        return command;
    }

    private static string? Given(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>Reads the token, runs the call and prints a failure as <c>naqil events NAME: why</c> on stderr, exit code 1 (as <c>naqil anchor</c> does).</summary>
    private static async Task<int> RunAsync(ParseResult result, string name, Option<string> gateway, Option<FileInfo> tokenFile, CancellationToken cancellationToken, Func<GatewayAdminClient, TextWriter, Task> action)
    {
        var output = result.InvocationConfiguration.Output;
        try
        {
            using var client = await GatewayAdminClient.CreateAsync(result.GetValue(gateway)!, result.GetValue(tokenFile)!, cancellationToken);
            await action(client, output);
            return 0;
        }
        catch (GatewayAdminException e)
        {
            await result.InvocationConfiguration.Error.WriteLineAsync($"naqil events {name}: {e.Message}");
            return 1;
        }
    }
}

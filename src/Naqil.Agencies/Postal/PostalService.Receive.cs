using Naqil.Agencies.Postal.Exchange;

namespace Naqil.Agencies.Postal;

/// <summary>The other post's events, as its gateway delivers them from the bus.</summary>
internal sealed partial class PostalService
{
    /// <summary>
    /// Applies an event the other post published: its history is checked by the EMSEVT rules of
    /// that post's side (not against this post's offices: those are the other post's), then must
    /// extend what this post holds of that side. What it holds already is a redelivery (nothing is
    /// stored twice); what it lacks is appended, so a missed publication is caught up by the next.
    /// </summary>
    public async Task<PostalOutcome> ReceiveAsync(EmsEventMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (CheckPartnerEvent(message, out var id, out var side, out var history) is { } refused)
        {
            return refused;
        }

        return await store.ChangeAsync(id, existing => DecidePartnerEvents(id, existing, message.Destination!, message.RecordedBy!, side, history), cancellationToken);
    }

    private PostalOutcome? CheckPartnerEvent(EmsEventMessage m, out S10Id id, out EventSide side, out IReadOnlyList<ItemEvent> history)
    {
        side = default;
        history = [];
        if (!S10Id.TryParse(m.ItemId, out id, out var idError))
        {
            return PostalOutcome.Refused(PostalError.MalformedItemId, idError);
        }

        if (!IsCountry(m.Origin) || !IsCountry(m.Destination) || !IsCountry(m.RecordedBy))
        {
            return PostalOutcome.Refused(PostalError.MalformedRequest, "origin, destination and recordedBy must each be the ISO 3166 alpha-2 code of a country, such as SY");
        }

        if (m.Origin != id.Country)
        {
            return PostalOutcome.Refused(PostalError.WrongPost, $"item {id} was posted in {id.Country}, not {m.Origin}");
        }

        if (m.RecordedBy == post.Country)
        {
            return PostalOutcome.Refused(PostalError.WrongPost, $"the event was recorded by this post, {post.Country}; a post receives only the other post's events");
        }

        if (m.Origin == m.Destination || (m.Origin != post.Country && m.Destination != post.Country) || (m.RecordedBy != m.Origin && m.RecordedBy != m.Destination))
        {
            return PostalOutcome.Refused(PostalError.WrongPost, $"item {id}, from {m.Origin} to {m.Destination}, recorded by {m.RecordedBy}, is not an item between {post.Country} and {m.RecordedBy}");
        }

        side = m.RecordedBy == m.Origin ? EventSide.Origin : EventSide.Destination;
        if (m.Event is null || m.History is not { Count: > 0 } || m.History.Any(e => e is null))
        {
            return PostalOutcome.Refused(PostalError.MalformedRequest, "event and history are required: history is the publishing post's events for the item, in order, ending with event");
        }

        var events = new List<ItemEvent>(m.History.Count);
        foreach (var entry in m.History)
        {
            if (!EmsEvents.TryParse(entry.Code, out var code))
            {
                return PostalOutcome.Refused(PostalError.UnknownEventCode, UnknownCode(entry.Code));
            }

            var info = EmsEvents.Info(code);
            if (info.Side != side)
            {
                return PostalOutcome.Refused(PostalError.WrongPost,
                    $"{code} ({info.English}) is recorded by the {(info.Side == EventSide.Origin ? "origin" : "destination")} post, and {m.RecordedBy} is item {id}'s {(side == EventSide.Origin ? "origin" : "destination")}");
            }

            if (entry.Office is not { Length: > 0 and <= 16 } office || !office.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c)))
            {
                return PostalOutcome.Refused(PostalError.MalformedRequest, $"office '{Shown(entry.Office)}' of {code} must be 1 to 16 capital letters and digits, as {m.RecordedBy} names its offices");
            }

            if (entry.Time is not { } at)
            {
                return PostalOutcome.Refused(PostalError.MalformedRequest, $"{code} has no time; each event needs its time with its offset");
            }

            if (CheckNotFuture(at) is { } future)
            {
                return future;
            }

            var last = events.Count == 0 ? null : events[^1];
            if (!EmsEvents.CanFollow(last?.Code, code, postedHere: side == EventSide.Origin))
            {
                var after = last is null ? "as its first event" : $"after {last.Code}";
                return PostalOutcome.Refused(PostalError.OutOfOrder, $"{m.RecordedBy}'s history of item {id} has {code} {after}, which the EMSEVT rules do not allow");
            }

            if (last is not null && at < last.Time)
            {
                return PostalOutcome.Refused(PostalError.OutOfOrder, $"{m.RecordedBy}'s history of item {id} has {code} at {at:o}, earlier than {last.Code} at {last.Time:o} before it");
            }

            events.Add(new ItemEvent(code, office, at));
        }

        if (m.Event != m.History[^1])
        {
            return PostalOutcome.Refused(PostalError.MalformedRequest, "event must be the last entry of history");
        }

        history = events;
        return null;
    }

    private static StoreChange<PostalOutcome> DecidePartnerEvents(S10Id id, TrackedItem? existing, string destination, string partner, EventSide side, IReadOnlyList<ItemEvent> history)
    {
        if (existing is null)
        {
            // The destination learns of an item from its origin's EMC; the origin must know its own items.
            return side == EventSide.Origin
                ? new(new PostalOutcome(PostalError.None, "received", new TrackedItem(id, destination, []).With(history)), destination, history)
                : new(PostalOutcome.Refused(PostalError.ItemNotFound, $"item {id} was posted in this country but is not known here; {partner}'s events for it cannot be applied"));
        }

        if (existing.Destination != destination)
        {
            return new(PostalOutcome.Refused(PostalError.WrongPost, $"item {id} is known here as bound for {existing.Destination}, not {destination}"));
        }

        var held = existing.EventsOf(side);
        for (var i = 0; i < Math.Min(held.Count, history.Count); i++)
        {
            if (held[i] != history[i])
            {
                return new(PostalOutcome.Refused(PostalError.HistoryConflict,
                    $"event {i + 1} of {partner}'s history of item {id} is {Describe(history[i])}, and this post holds {Describe(held[i])} from {partner}: the posts disagree, nothing was applied"));
            }
        }

        if (history.Count <= held.Count)
        {
            return new(new PostalOutcome(PostalError.None, "already received", existing, Duplicate: true));
        }

        var added = history.Skip(held.Count).ToList();
        return new(new PostalOutcome(PostalError.None, "received", existing.With(added)), Append: added);
    }

    private static string Describe(ItemEvent e) => $"{e.Code} at {e.Office} at {e.Time:o}";
}

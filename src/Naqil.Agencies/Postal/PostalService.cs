using Naqil.Agencies.Postal.Exchange;
using Naqil.Agencies.Postal.Storage;

namespace Naqil.Agencies.Postal;

/// <summary>Why a post refused a request: one problem+json code each, mapped to a status in <see cref="Apis.PostalProblems"/>.</summary>
internal enum PostalError
{
    None,
    MalformedItemId,
    MalformedRequest,
    UnknownEventCode,
    UnknownOffice,
    NotAnOfficeOfExchange,
    UnknownCountry,
    WrongPost,
    UnknownTopic,
    OutOfOrder,
    HistoryConflict,
    FutureTime,
    ItemExists,
    ItemNotFound,
    TooLarge,
}

/// <summary>The result of a request: what was stored (or already was), or why nothing was; <see cref="Queued"/> when an event now waits to be published.</summary>
internal sealed record PostalOutcome(PostalError Error, string Detail, TrackedItem? Item = null, bool Duplicate = false, bool Queued = false)
{
    public static PostalOutcome Refused(PostalError error, string detail) => new(error, detail);
}

/// <summary>
/// One post's operator service: accepts items, records their EMSEVT events under the transition
/// rules of <see cref="EmsEvents"/>, and answers tracking. Every check that depends on the item's
/// stored events runs inside the store's change, so nothing is stored unless it passed. Each post
/// keeps its own side of an item's history by those rules, and the other post's side as that post
/// published it (<see cref="ReceiveAsync"/>).
/// </summary>
/// <param name="post">The post this service is.</param>
/// <param name="store">Its items, in its own database.</param>
/// <param name="time">Its clock.</param>
/// <param name="publishing">
/// When given, this post's events that the other post needs are queued for publication in the
/// same transaction as the event, and the signal wakes the publisher; without it the post works alone.
/// </param>
internal sealed partial class PostalService(Post post, IPostalStore store, TimeProvider time, PublicationSignal? publishing = null)
{
    /// <summary>How far ahead of this post's clock an event's time may be: other clocks drift.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public Post Post => post;

    public Task InitializeAsync(CancellationToken cancellationToken) => store.InitializeAsync(post.Country, cancellationToken);

    public Task<TrackedItem?> GetAsync(S10Id id, CancellationToken cancellationToken) => store.GetAsync(id, cancellationToken);

    public Task<IReadOnlyList<ItemSummary>> ListAsync(string? office, string? status, int limit, CancellationToken cancellationToken) =>
        store.ListAsync(office, status, limit, cancellationToken);

    public Task<IReadOnlyList<Publication>> ListPublicationsAsync(PublicationState? state, int limit, CancellationToken cancellationToken) =>
        store.ListPublicationsAsync(state, limit, cancellationToken);

    /// <summary>
    /// Accepts an item at one of this post's offices: an item posted here (its id ends with this
    /// post's country) gets EMA; one from abroad arrives with EMD at an office of exchange, whether
    /// or not the origin post's events for it came first.
    /// </summary>
    public async Task<PostalOutcome> AcceptAsync(string? itemId, string? destination, string? office, DateTimeOffset? at, CancellationToken cancellationToken)
    {
        if (!S10Id.TryParse(itemId, out var id, out var idError))
        {
            return PostalOutcome.Refused(PostalError.MalformedItemId, idError);
        }

        var postedHere = id.Country == post.Country;
        destination ??= postedHere ? null : post.Country;
        if (destination is null || !IsCountry(destination))
        {
            return PostalOutcome.Refused(PostalError.MalformedRequest, "destination must be the ISO 3166 alpha-2 code of the country the item is bound for, such as IQ");
        }

        if (destination == id.Country)
        {
            return PostalOutcome.Refused(PostalError.WrongPost, $"item {id} was posted in {id.Country} and is bound for {destination}: EMS events here are for items crossing a border");
        }

        if (!postedHere && destination != post.Country)
        {
            return PostalOutcome.Refused(PostalError.WrongPost, $"item {id} was posted in {id.Country} and is bound for {destination}; the post of {post.Country} accepts only its own items and those bound for it");
        }

        var code = postedHere ? EmsEventCode.EMA : EmsEventCode.EMD;
        if (Check(code, office, at) is { } refused)
        {
            return refused;
        }

        var accepted = new ItemEvent(code, office!, at!.Value);
        return await ChangeAsync(id, existing => DecideAcceptance(id, existing, destination, accepted), cancellationToken);
    }

    /// <summary>Records one event for a known item, if it may follow this post's last one for it; the same event twice is stored once.</summary>
    public async Task<PostalOutcome> RecordAsync(string? itemId, string? eventCode, string? office, DateTimeOffset? at, CancellationToken cancellationToken)
    {
        if (!S10Id.TryParse(itemId, out var id, out var idError))
        {
            return PostalOutcome.Refused(PostalError.MalformedItemId, idError);
        }

        if (!EmsEvents.TryParse(eventCode, out var code))
        {
            return PostalOutcome.Refused(PostalError.UnknownEventCode, UnknownCode(eventCode));
        }

        if (Check(code, office, at) is { } refused)
        {
            return refused;
        }

        var recorded = new ItemEvent(code, office!, at!.Value);
        return await ChangeAsync(id, item => Decide(id, item, recorded), cancellationToken);
    }

    private async Task<PostalOutcome> ChangeAsync(S10Id id, Func<TrackedItem?, StoreChange<PostalOutcome>> decide, CancellationToken cancellationToken)
    {
        var outcome = await store.ChangeAsync(id, decide, cancellationToken);
        if (outcome.Queued)
        {
            publishing?.Notify();
        }

        return outcome;
    }

    private StoreChange<PostalOutcome> DecideAcceptance(S10Id id, TrackedItem? existing, string destination, ItemEvent accepted)
    {
        if (existing is null)
        {
            return Append(new TrackedItem(id, destination, []), accepted, "accepted", create: destination);
        }

        var own = existing.EventsOf(accepted.Side);
        if (existing.Destination == destination && own.Count > 0 && own[0] == accepted)
        {
            return new(new PostalOutcome(PostalError.None, "already accepted", existing, Duplicate: true));
        }

        if (existing.Destination != destination || own.Count > 0)
        {
            return new(PostalOutcome.Refused(PostalError.ItemExists, $"item {id} is already known here, with {existing.Events.Count} events; record its next event instead"));
        }

        // Only the origin post's events are here: they came on the bus before the item itself.
        return Append(existing, accepted, "accepted");
    }

    private StoreChange<PostalOutcome> Decide(S10Id id, TrackedItem? item, ItemEvent recorded)
    {
        if (item is null)
        {
            return new(PostalOutcome.Refused(PostalError.ItemNotFound, $"item {id} is not known here; accept it first (POST /items)"));
        }

        // Same code, office and instant as a stored event: the sender is retrying, and it is already here.
        if (item.Events.Contains(recorded))
        {
            return new(new PostalOutcome(PostalError.None, "already recorded", item, Duplicate: true));
        }

        var info = EmsEvents.Info(recorded.Code);
        var postedHere = item.Origin == post.Country;
        if ((info.Side == EventSide.Origin) != postedHere)
        {
            return new(PostalOutcome.Refused(PostalError.WrongPost,
                $"{recorded.Code} ({info.English}) is recorded by the {(info.Side == EventSide.Origin ? "origin" : "destination")} post, and for item {id} that is {(info.Side == EventSide.Origin ? item.Origin : item.Destination)}, not {post.Country}"));
        }

        // This post's own events only: the other post's side follows its own rules, on its own clock.
        var last = item.LastOf(info.Side);
        var allowed = EmsEvents.Allowed(last?.Code, postedHere);
        if (!allowed.Contains(recorded.Code))
        {
            var after = last is null ? "as its first event here" : $"after {last.Code} ({EmsEvents.Info(last.Code).English})";
            var next = allowed.Count == 0 ? "nothing may follow it here" : $"it may be followed by {string.Join(" or ", allowed)}";
            return new(PostalOutcome.Refused(PostalError.OutOfOrder, $"item {id} cannot take {recorded.Code} ({info.English}) {after}; {next}"));
        }

        if (last is not null && recorded.Time < last.Time)
        {
            return new(PostalOutcome.Refused(PostalError.OutOfOrder, $"{recorded.Code} at {recorded.Time:o} is earlier than item {id}'s last event {last.Code} at {last.Time:o}"));
        }

        return Append(item, recorded, "recorded");
    }

    /// <summary>Appends one of this post's events, and queues it for publication when the other post needs it.</summary>
    private StoreChange<PostalOutcome> Append(TrackedItem item, ItemEvent e, string detail, string? create = null)
    {
        var after = item.With([e]);
        var publish = publishing is not null && Crosses(e)
            ? new OutgoingEvent(EmsEventMessage.NaqilIdOf(post.Country, item.Id, e), item.Id, e.Code, EmsEventMessage.Create(after, e, post.Country), time.GetUtcNow())
            : null;
        return new(new PostalOutcome(PostalError.None, detail, after, Queued: publish is not null), create, [e], publish);
    }

    /// <summary>
    /// What the other post hears of: the origin publishes the departure (EMC, which carries EMA and
    /// EMB with it), before which the item is none of the destination's business; the destination
    /// publishes every event, as the sender asks its own post where the item is.
    /// </summary>
    private static bool Crosses(ItemEvent e) => e.Side == EventSide.Destination || e.Code == EmsEventCode.EMC;

    /// <summary>The checks that need no stored state: the office and the time.</summary>
    private PostalOutcome? Check(EmsEventCode code, string? office, DateTimeOffset? at)
    {
        if (post.Office(office) is not { } known)
        {
            return PostalOutcome.Refused(PostalError.UnknownOffice, $"office '{Shown(office)}' is not an office of the post of {post.Country}; its offices are {string.Join(", ", post.Offices.Select(o => o.Code))}");
        }

        if (EmsEvents.Info(code).AtOfficeOfExchange && !known.OfficeOfExchange)
        {
            return PostalOutcome.Refused(PostalError.NotAnOfficeOfExchange,
                $"{code} happens at an office of exchange, and {known.Code} ({known.Name}) is not one; those of {post.Country} are {string.Join(", ", post.Offices.Where(o => o.OfficeOfExchange).Select(o => o.Code))}");
        }

        if (at is not { } when)
        {
            return PostalOutcome.Refused(PostalError.MalformedRequest, "time is required: when the event happened, with its offset, such as 2026-11-02T08:00:00+03:00");
        }

        return CheckNotFuture(when);
    }

    private PostalOutcome? CheckNotFuture(DateTimeOffset when)
    {
        var now = time.GetUtcNow();
        return when > now + ClockSkew
            ? PostalOutcome.Refused(PostalError.FutureTime, $"time {when:o} is {(when - now).TotalMinutes:F0} minutes ahead of this post's clock ({now:o}); at most {ClockSkew.TotalMinutes:F0} minutes are allowed")
            : null;
    }

    private static string UnknownCode(string? eventCode)
    {
        var shown = eventCode is null ? "none" : $"'{(eventCode.Length <= 8 ? eventCode : eventCode[..8])}'";
        return $"event code {shown} is not an EMSEVT code; use one of {string.Join(", ", EmsEvents.All.Select(e => e.Code))}";
    }

    private static bool IsCountry(string? text) => text is { Length: 2 } && text.All(char.IsAsciiLetterUpper);

    private static string Shown(string? text) => text is null ? "" : text.Length <= 16 ? text : text[..16];
}

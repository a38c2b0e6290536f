namespace Naqil.Agencies.Postal.Apis;

/// <summary>
/// An item as tracking shows it: where it is now, and its whole history (this post's events and
/// those the other post published) in time order, with their meanings and the post that recorded each.
/// </summary>
internal sealed record ItemView(string ItemId, string Origin, string Destination, string Status, string Office, IReadOnlyList<EventView> Events)
{
    public static ItemView From(TrackedItem item)
    {
        var events = item.Events.Select(e => EventView.From(e, item.RecordedBy(e))).ToList();
        var last = item.Last;
        return new ItemView(item.Id.Value, item.Origin, item.Destination,
            last is null ? "accepted" : EmsEvents.Info(last.Code).Status, last?.Office ?? "", events);
    }
}

/// <summary>
/// One event: the EMSEVT code, its office (named when the sandbox knows the recording post's
/// offices), its time with the offset it happened in, what it means in English and Arabic, and the
/// country of the post that recorded it.
/// </summary>
internal sealed record EventView(string Code, DateTimeOffset Time, string Office, string? OfficeName, string? OfficeNameArabic, string Event, string EventArabic, string RecordedBy)
{
    public static EventView From(ItemEvent e, string recordedBy)
    {
        var info = EmsEvents.Info(e.Code);
        var office = Posts.Find(recordedBy)?.Office(e.Office);
        return new EventView(e.Code.ToString(), e.Time, e.Office, office?.Name, office?.NameArabic, info.English, info.Arabic, recordedBy);
    }
}

/// <summary>The body of <c>POST /items</c>.</summary>
internal sealed record AcceptItemRequest(string? ItemId, string? Destination, string? Office, DateTimeOffset? Time);

/// <summary>The body of <c>POST /items/{itemId}/events</c>.</summary>
internal sealed record RecordEventRequest(string? Code, string? Office, DateTimeOffset? Time);

internal sealed record ItemListView(int Count, IReadOnlyList<ItemSummary> Items);

/// <summary>One publication as <c>GET /publications</c> shows it.</summary>
internal sealed record PublicationView(long Seq, string NaqilId, string ItemId, string Code, string State, int Attempts, string? LastError, DateTimeOffset Queued, DateTimeOffset? Updated)
{
    public static PublicationView From(Publication p) =>
        new(p.Seq, p.NaqilId, p.ItemId, p.Code, p.State.ToString().ToLowerInvariant(), p.Attempts, p.LastError, p.Queued, p.Updated);
}

internal sealed record PublicationListView(string? Topic, int Count, IReadOnlyList<PublicationView> Publications);

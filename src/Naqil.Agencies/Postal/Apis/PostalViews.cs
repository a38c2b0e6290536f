namespace Naqil.Agencies.Postal.Apis;

/// <summary>An item as tracking shows it: where it is now, and its events in time order with their meanings.</summary>
internal sealed record ItemView(string ItemId, string Origin, string Destination, string Status, string Office, IReadOnlyList<EventView> Events)
{
    public static ItemView From(TrackedItem item, Post post)
    {
        var events = item.Events.OrderBy(e => e.Time).Select(e => EventView.From(e, post)).ToList();
        var last = item.Last;
        return new ItemView(item.Id.Value, item.Origin, item.Destination,
            last is null ? "accepted" : EmsEvents.Info(last.Code).Status, last?.Office ?? "", events);
    }
}

/// <summary>One event: the EMSEVT code, its office, its time with the offset it happened in, and what it means in English and Arabic.</summary>
internal sealed record EventView(string Code, DateTimeOffset Time, string Office, string? OfficeName, string? OfficeNameArabic, string Event, string EventArabic)
{
    public static EventView From(ItemEvent e, Post post)
    {
        var info = EmsEvents.Info(e.Code);
        var office = post.Office(e.Office);
        return new EventView(e.Code.ToString(), e.Time, e.Office, office?.Name, office?.NameArabic, info.English, info.Arabic);
    }
}

/// <summary>The body of <c>POST /items</c>.</summary>
internal sealed record AcceptItemRequest(string? ItemId, string? Destination, string? Office, DateTimeOffset? Time);

/// <summary>The body of <c>POST /items/{itemId}/events</c>.</summary>
internal sealed record RecordEventRequest(string? Code, string? Office, DateTimeOffset? Time);

internal sealed record ItemListView(int Count, IReadOnlyList<ItemSummary> Items);

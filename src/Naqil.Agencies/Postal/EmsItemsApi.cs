using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Naqil.Agencies.Postal;

/// <summary>One tracking event of an EMS item.</summary>
public sealed record EmsEvent(DateTimeOffset Time, string Office, string Event, string EventArabic);

/// <summary>An EMS item as the destination post knows it.</summary>
public sealed record EmsItem(string ItemId, string Origin, string Destination, string Status, IReadOnlyList<EmsEvent> Events);

/// <summary>
/// The sample postal operator's EMS item service (<c>IQ/GOV/POST/ems/items</c>): the status of
/// items another country's post sent, as the UPU's EMS exchange would report it. Synthetic data.
/// </summary>
public static class EmsItemsApi
{
    /// <summary>An item Syria's post sent to Iraq, handy for examples.</summary>
    public static string ExampleItemId { get; } = S10("EE", 12345678, "SY");

    private static readonly Dictionary<string, EmsItem> Items = CreateItems().ToDictionary(i => i.ItemId, StringComparer.Ordinal);

    public static IEndpointRouteBuilder MapEmsItems(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/items/{itemId}", GetItem);
        return endpoints;
    }

    /// <summary>A UPU S10 identifier: two letters, eight digits, the check digit and the country code.</summary>
    public static string S10(string service, int serial, string country)
    {
        ArgumentNullException.ThrowIfNull(service);
        var digits = serial.ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
        int[] weights = [8, 6, 4, 2, 3, 5, 9, 7];
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            sum += (digits[i] - '0') * weights[i];
        }

        var check = 11 - (sum % 11);
        check = check switch { 10 => 0, 11 => 5, _ => check };
        return $"{service}{digits}{check}{country}";
    }

    private static Results<Ok<EmsItem>, ProblemHttpResult> GetItem(string itemId) =>
        Items.TryGetValue(itemId, out var item)
            ? TypedResults.Ok(item)
            : TypedResults.Problem($"no EMS item '{(itemId.Length <= 13 ? itemId : itemId[..13])}' is known here; item ids look like {ExampleItemId}", statusCode: StatusCodes.Status404NotFound, title: "Item not found");

    private static IEnumerable<EmsItem> CreateItems()
    {
        var start = new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.FromHours(3));
        yield return new EmsItem(ExampleItemId, "SY", "IQ", "delivered",
        [
            new(start, "DAMASCUS EMS", "Item posted", "قُبلت الإرسالية"),
            new(start.AddHours(20), "DAMASCUS EXCHANGE", "Dispatched abroad", "أُرسلت إلى الخارج"),
            new(start.AddDays(2), "BAGHDAD EXCHANGE", "Arrived at destination country", "وصلت إلى بلد المقصد"),
            new(start.AddDays(3), "BAGHDAD KARRADA", "Delivered", "سُلّمت إلى المرسل إليه"),
        ]);
        yield return new EmsItem(S10("EE", 12345679, "SY"), "SY", "IQ", "in-transit",
        [
            new(start.AddDays(5), "ALEPPO EMS", "Item posted", "قُبلت الإرسالية"),
            new(start.AddDays(6), "DAMASCUS EXCHANGE", "Dispatched abroad", "أُرسلت إلى الخارج"),
        ]);
    }
}

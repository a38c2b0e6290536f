using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Naqil.Agencies.Postal.Exchange;

/// <summary>One event as the body of a publication: what happened, and the publishing post's whole side of the item up to it.</summary>
/// <remarks>
/// <c>{"itemId","origin","destination","recordedBy","event":{"code","office","time"},"history":[...]}</c>:
/// <c>history</c> is every event <c>recordedBy</c> holds for the item on its side, in order, ending
/// with <c>event</c>. An EMC publication so carries EMA..EMC and the destination can create the item
/// whole; each later one carries the earlier ones, so a receiver that missed one catches up.
/// Fields are nullable because this is also what a receiver parses, before it checks anything.
/// </remarks>
internal sealed record EmsEventMessage(string? ItemId, string? Origin, string? Destination, string? RecordedBy, EmsEventEntry? Event, IReadOnlyList<EmsEventEntry>? History)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The body publishing <paramref name="e"/>, recorded by <paramref name="recordedBy"/>, with that
    /// post's events of <paramref name="item"/> up to it. The same event always gives the same bytes:
    /// fixed property order, times as System.Text.Json writes a <see cref="DateTimeOffset"/>, ASCII only.
    /// </summary>
    public static string Create(TrackedItem item, ItemEvent e, string recordedBy)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(e);
        var history = item.EventsOf(e.Side).TakeWhile(x => x != e).Append(e).Select(EmsEventEntry.From).ToList();
        return JsonSerializer.Serialize(new EmsEventMessage(item.Id.Value, item.Origin, item.Destination, recordedBy, EmsEventEntry.From(e), history), Json);
    }

    /// <summary>Reads a body; false when it is not JSON of this shape (its content is checked by <see cref="PostalService.ReceiveAsync"/>).</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out EmsEventMessage message)
    {
        message = null!;
        try
        {
            message = JsonSerializer.Deserialize<EmsEventMessage>(body, Json)!;
            return message is not null;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// The Naqil-Id of an event: the same at every resend and after a restart, as the gateway's
    /// idempotency needs. The first 16 bytes of SHA-256 over the recording post, the item, the code,
    /// the office and the instant in UTC milliseconds (what makes an event unique in the store),
    /// stamped as an RFC 9562 UUIDv8 (custom) with the RFC variant.
    /// </summary>
    public static Guid NaqilIdOf(string recordedBy, S10Id item, ItemEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var name = $"naqil-postal-event/1\n{recordedBy}\n{item.Value}\n{e.Code}\n{e.Office}\n{e.Time.ToUnixTimeMilliseconds()}";
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}

/// <summary>One event in a publication: its code, the recording post's office (as that post names it) and its time with its offset.</summary>
internal sealed record EmsEventEntry(string? Code, string? Office, DateTimeOffset? Time)
{
    public static EmsEventEntry From(ItemEvent e) => new(e.Code.ToString(), e.Office, e.Time);
}

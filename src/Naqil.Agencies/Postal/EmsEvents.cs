namespace Naqil.Agencies.Postal;

/// <summary>The UPU EMSEVT event codes an EMS item passes through.</summary>
internal enum EmsEventCode
{
    EMA,
    EMB,
    EMC,
    EMD,
    EME,
    EMF,
    EMG,
    EMH,
    EMI,
}

/// <summary>Which post records an event: the one the item was posted at, or the one it is bound for.</summary>
internal enum EventSide
{
    Origin,
    Destination,
}

/// <summary>What an event code means, where it happens, and the status an item has after it.</summary>
internal sealed record EmsEventInfo(EmsEventCode Code, string English, string Arabic, string Status, EventSide Side, bool AtOfficeOfExchange);

/// <summary>
/// The EMSEVT codes and the order they may follow one another in. An item posted here starts with
/// EMA; an item arriving from abroad starts, at its destination post, with EMD. Then:
/// EMA → EMB → EMC (origin post); EMD → EME or EMF; EME → EMF; EMF → EMG; EMG → EMH or EMI;
/// EMH → EMH (another attempt) or EMI (destination post). EMI is final.
/// </summary>
internal static class EmsEvents
{
    private static readonly Dictionary<EmsEventCode, EmsEventInfo> Infos = new EmsEventInfo[]
    {
        new(EmsEventCode.EMA, "Posting / collection", "قبول الإرسالية في مكتب البريد", "posted", EventSide.Origin, AtOfficeOfExchange: false),
        new(EmsEventCode.EMB, "Arrival at outward office of exchange", "وصول إلى مكتب التبادل الصادر", "at-outward-exchange", EventSide.Origin, AtOfficeOfExchange: true),
        new(EmsEventCode.EMC, "Departure from outward office of exchange", "مغادرة مكتب التبادل الصادر", "dispatched", EventSide.Origin, AtOfficeOfExchange: true),
        new(EmsEventCode.EMD, "Arrival at inward office of exchange", "وصول إلى مكتب التبادل الوارد", "at-inward-exchange", EventSide.Destination, AtOfficeOfExchange: true),
        new(EmsEventCode.EME, "Held by customs", "محجوزة لدى الجمارك", "held-by-customs", EventSide.Destination, AtOfficeOfExchange: true),
        new(EmsEventCode.EMF, "Departure to delivery office", "مغادرة إلى مكتب التسليم", "to-delivery-office", EventSide.Destination, AtOfficeOfExchange: false),
        new(EmsEventCode.EMG, "Arrival at delivery office", "وصول إلى مكتب التسليم", "at-delivery-office", EventSide.Destination, AtOfficeOfExchange: false),
        new(EmsEventCode.EMH, "Attempted / unsuccessful delivery", "محاولة تسليم غير ناجحة", "delivery-attempted", EventSide.Destination, AtOfficeOfExchange: false),
        new(EmsEventCode.EMI, "Final delivery", "سُلّمت إلى المرسل إليه", "delivered", EventSide.Destination, AtOfficeOfExchange: false),
    }.ToDictionary(i => i.Code);

    private static readonly Dictionary<EmsEventCode, EmsEventCode[]> Next = new()
    {
        [EmsEventCode.EMA] = [EmsEventCode.EMB],
        [EmsEventCode.EMB] = [EmsEventCode.EMC],
        [EmsEventCode.EMC] = [],
        [EmsEventCode.EMD] = [EmsEventCode.EME, EmsEventCode.EMF],
        [EmsEventCode.EME] = [EmsEventCode.EMF],
        [EmsEventCode.EMF] = [EmsEventCode.EMG],
        [EmsEventCode.EMG] = [EmsEventCode.EMH, EmsEventCode.EMI],
        [EmsEventCode.EMH] = [EmsEventCode.EMH, EmsEventCode.EMI],
        [EmsEventCode.EMI] = [],
    };

    public static IReadOnlyCollection<EmsEventInfo> All => Infos.Values;

    public static EmsEventInfo Info(EmsEventCode code) => Infos[code];

    /// <summary>Parses a code exactly as written (<c>EMA</c>..<c>EMI</c>), never a number.</summary>
    public static bool TryParse(string? text, out EmsEventCode code)
    {
        code = default;
        return text is { Length: 3 } && text.StartsWith("EM", StringComparison.Ordinal) && Enum.TryParse(text, ignoreCase: false, out code);
    }

    /// <summary>The codes that may follow <paramref name="last"/>; an item's first event has none before it.</summary>
    public static IReadOnlyList<EmsEventCode> Allowed(EmsEventCode? last, bool postedHere) => last is { } code
        ? Next[code]
        : [postedHere ? EmsEventCode.EMA : EmsEventCode.EMD];

    public static bool CanFollow(EmsEventCode? last, EmsEventCode next, bool postedHere) => Allowed(last, postedHere).Contains(next);
}

namespace Naqil.Agencies.Regulator.Numbering;

/// <summary>What numbers of a block are for (ITU-T E.164 categories as national plans name them).</summary>
internal enum NumberType
{
    GeographicFixed,
    Mobile,
    TollFree,
    SharedCost,
    Premium,
    ShortCode,
}

/// <summary>Where a block stands in its lifecycle: free → reserved → allocated → withdrawn → quarantine → free.</summary>
internal enum BlockState
{
    Free,
    Reserved,
    Allocated,
    Withdrawn,
    Quarantine,
}

/// <summary>
/// A block of the national plan: every national significant number that starts with
/// <see cref="Prefix"/> and has <see cref="NsnLength"/> digits. <see cref="Operator"/> holds it
/// while reserved or allocated (and is remembered while withdrawn and in quarantine).
/// </summary>
internal sealed record NumberBlock(string Prefix, int NsnLength, NumberType Type, string? Area, BlockState State, string? Operator, DateTimeOffset Since)
{
    /// <summary>The operator numbers of this block belong to now: only while allocated.</summary>
    public string? Holder => State == BlockState.Allocated ? Operator : null;
}

/// <summary>One change of a block's state, kept for ever.</summary>
internal sealed record BlockChange(string Prefix, BlockState? From, BlockState To, string? Operator, DateTimeOffset At, string? Note);

/// <summary>The names the API uses, and the lifecycle's rules.</summary>
internal static class NumberingPlan
{
    public static string Name(NumberType type) => type switch
    {
        NumberType.GeographicFixed => "geographic-fixed",
        NumberType.Mobile => "mobile",
        NumberType.TollFree => "toll-free",
        NumberType.SharedCost => "shared-cost",
        NumberType.Premium => "premium",
        _ => "short-code",
    };

    public static string Name(BlockState state) => state.ToString().ToLowerInvariant();

    public static readonly IReadOnlyList<NumberType> Types = Enum.GetValues<NumberType>();

    public static readonly IReadOnlyList<BlockState> States = Enum.GetValues<BlockState>();

    public static bool TryParseType(string? text, out NumberType type) => TryParse(Types, Name, text, out type);

    public static bool TryParseState(string? text, out BlockState state) => TryParse(States, Name, text, out state);

    /// <summary>The value whose API name is <paramref name="text"/>, exactly as written.</summary>
    public static bool TryParse<T>(IEnumerable<T> values, Func<T, string> name, string? text, out T value)
        where T : struct
    {
        foreach (var v in values)
        {
            if (name(v) == text)
            {
                value = v;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>The states a block may move to from <paramref name="from"/>; a reservation may also be released.</summary>
    public static IReadOnlyList<BlockState> Next(BlockState from) => from switch
    {
        BlockState.Free => [BlockState.Reserved],
        BlockState.Reserved => [BlockState.Allocated, BlockState.Free],
        BlockState.Allocated => [BlockState.Withdrawn],
        BlockState.Withdrawn => [BlockState.Quarantine],
        _ => [BlockState.Free],
    };

    /// <summary>Two blocks overlap when one's prefix starts the other's: every number of the longer is a number of the shorter.</summary>
    public static bool Overlap(string a, string b) => a.StartsWith(b, StringComparison.Ordinal) || b.StartsWith(a, StringComparison.Ordinal);
}

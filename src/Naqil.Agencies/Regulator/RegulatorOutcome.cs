using System.Globalization;

namespace Naqil.Agencies.Regulator;

/// <summary>Every way the regulator refuses a request; <see cref="Apis.RegulatorProblems"/> maps each to one problem code and status.</summary>
internal enum RegulatorError
{
    None,
    MalformedNumber,
    UnknownCountryCode,
    MalformedRequest,
    TooLarge,
    ClientRequired,
    NotPermitted,
    UnknownOperator,
    BlockOverlaps,
    BlockNotFound,
    TransitionNotAllowed,
    StateChanged,
    NumberNotAllocated,
    NumberInQuarantine,
    PortOpen,
    SameOperator,
    PortNotFound,
    DeadlinePassed,
    TooEarly,
    UnknownLink,
    UnknownDestination,
    StatementNotFound,
    UnknownTopic,
    WrongPartner,
    WrongService,
}

/// <summary>A value, or the refusal (with a detail naming what was wrong and what to do) that replaced it.</summary>
internal readonly record struct Outcome<T>(T? Value, RegulatorError Error, string Detail, bool Created = false)
{
    public static Outcome<T> Ok(T value, bool created = false) => new(value, RegulatorError.None, "", created);

    public static Outcome<T> Refused(RegulatorError error, string detail) => new(default, error, detail);

    public bool IsRefused => Error != RegulatorError.None;
}

/// <summary>The regulator's identifiers as the API writes them.</summary>
internal static class RegulatorIds
{
    public static string PortId(long seq) => $"NP-{seq.ToString("D6", CultureInfo.InvariantCulture)}";

    public static bool TryParsePortId(string? id, out long seq)
    {
        seq = 0;
        return id is { Length: >= 4 and <= 24 } && id.StartsWith("NP-", StringComparison.Ordinal) && id[3..].All(char.IsAsciiDigit)
            && long.TryParse(id.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out seq) && seq > 0;
    }

    /// <summary>A value as it may be quoted back in a refusal: printable, at most 40 characters.</summary>
    public static string Shown(string? value) => value is null ? "" : new string([.. value.Take(40).Select(c => char.IsControl(c) ? '?' : c)]) + (value.Length > 40 ? "…" : "");
}

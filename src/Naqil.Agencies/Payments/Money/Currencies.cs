using System.Collections.Frozen;

namespace Naqil.Agencies.Payments.Money;

/// <summary>
/// The ISO 4217 currencies the payment service takes, with their minor units (the digits after the
/// decimal point): SYP has piastres (2), the Iraqi, Jordanian and Omani dinars fils or baisa (3), the
/// yen none. An amount is always held as a whole number of minor units.
/// </summary>
internal static class Currencies
{
    public const string Default = "SYP";

    private static readonly FrozenDictionary<string, int> MinorUnits = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["SYP"] = 2, ["IQD"] = 3, ["JOD"] = 3, ["OMR"] = 3, ["KWD"] = 3, ["BHD"] = 3, ["LYD"] = 3, ["TND"] = 3,
        ["LBP"] = 2, ["EGP"] = 2, ["SAR"] = 2, ["AED"] = 2, ["QAR"] = 2, ["TRY"] = 2, ["USD"] = 2, ["EUR"] = 2, ["GBP"] = 2,
        ["JPY"] = 0, ["KRW"] = 0,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static IEnumerable<string> Codes => MinorUnits.Keys.Order(StringComparer.Ordinal);

    /// <summary>The minor units of <paramref name="code"/>, or false for a code not in the table (case matters: ISO 4217 codes are upper case).</summary>
    public static bool TryGetMinorUnits(string code, out int minorUnits) => MinorUnits.TryGetValue(code, out minorUnits);
}

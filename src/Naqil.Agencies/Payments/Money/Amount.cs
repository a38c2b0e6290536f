using System.Globalization;
using System.Text.Json;

namespace Naqil.Agencies.Payments.Money;

/// <summary>Why an amount was refused.</summary>
internal enum AmountError
{
    None,
    Malformed,
    NotPositive,
    TooManyDecimals,
    OverLimit,
}

/// <summary>
/// Amounts as they travel: a decimal string (<c>"1500.00"</c>) or a JSON number written the same way,
/// read strictly into minor units (a <see cref="long"/>, never a floating point number). No exponent,
/// sign, leading zero, space or separator; no more decimals than the currency has.
/// </summary>
internal static class Amount
{
    /// <summary>More digits than this before the point could overflow a long once scaled to minor units.</summary>
    private const int MaxIntegerDigits = 15;

    /// <summary>Reads <paramref name="element"/> (a string or a number) as minor units of a currency with <paramref name="minorUnits"/> decimals.</summary>
    public static AmountError TryParse(JsonElement element, int minorUnits, long maxMinor, out long minor, out string detail)
    {
        minor = 0;
        var text = element.ValueKind switch
        {
            JsonValueKind.String => element.GetString()!,
            JsonValueKind.Number => element.GetRawText(),
            _ => null,
        };
        if (text is null)
        {
            detail = "amount must be a decimal string such as \"1500.00\" (or a plain JSON number written so)";
            return AmountError.Malformed;
        }

        return TryParse(text, minorUnits, maxMinor, out minor, out detail);
    }

    public static AmountError TryParse(string text, int minorUnits, long maxMinor, out long minor, out string detail)
    {
        minor = 0;
        var shown = text.Length <= 24 ? text : text[..24] + "…";
        if (text.StartsWith('-') && text.Length > 1 && IsPlainDecimal(text[1..]))
        {
            detail = $"amount '{shown}' is negative; send the amount to pay, more than zero";
            return AmountError.NotPositive;
        }

        if (!IsPlainDecimal(text))
        {
            detail = $"amount '{shown}' is not a plain decimal such as \"1500.00\": no exponent, sign, spaces, separators or leading zeros";
            return AmountError.Malformed;
        }

        var point = text.IndexOf('.', StringComparison.Ordinal);
        var whole = point < 0 ? text : text[..point];
        var fraction = point < 0 ? "" : text[(point + 1)..];
        if (fraction.Length > minorUnits)
        {
            detail = minorUnits == 0
                ? $"amount '{shown}' has decimals, but the currency has no minor unit; send a whole number"
                : $"amount '{shown}' has {fraction.Length} decimals; the currency has {minorUnits}";
            return AmountError.TooManyDecimals;
        }

        if (whole.Length > MaxIntegerDigits)
        {
            detail = $"amount '{shown}' is over the limit of {Format(maxMinor, minorUnits)}";
            return AmountError.OverLimit;
        }

        minor = long.Parse(whole + fraction.PadRight(minorUnits, '0'), NumberStyles.None, CultureInfo.InvariantCulture);
        if (minor == 0)
        {
            detail = "amount is zero; send the amount to pay, more than zero";
            return AmountError.NotPositive;
        }

        if (minor > maxMinor)
        {
            detail = $"amount {Format(minor, minorUnits)} is over the limit of {Format(maxMinor, minorUnits)} per payment";
            minor = 0;
            return AmountError.OverLimit;
        }

        detail = "";
        return AmountError.None;
    }

    /// <summary><paramref name="minor"/> units as a decimal string with exactly <paramref name="minorUnits"/> decimals: 150000, 2 → "1500.00".</summary>
    public static string Format(long minor, int minorUnits)
    {
        var sign = minor < 0 ? "-" : "";
        var digits = Math.Abs((decimal)minor).ToString(CultureInfo.InvariantCulture).PadLeft(minorUnits + 1, '0');
        return minorUnits == 0 ? sign + digits : $"{sign}{digits[..^minorUnits]}.{digits[^minorUnits..]}";
    }

    /// <summary>Digits, at most one point with digits on both sides, and no leading zero except "0" itself.</summary>
    private static bool IsPlainDecimal(string text)
    {
        var point = text.IndexOf('.', StringComparison.Ordinal);
        var whole = point < 0 ? text : text[..point];
        var fraction = point < 0 ? "0" : text[(point + 1)..];
        return whole.Length > 0 && fraction.Length > 0
            && whole.All(char.IsAsciiDigit) && fraction.All(char.IsAsciiDigit)
            && (whole.Length == 1 || whole[0] != '0');
    }
}

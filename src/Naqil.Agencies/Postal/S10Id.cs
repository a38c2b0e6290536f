using System.Globalization;

namespace Naqil.Agencies.Postal;

/// <summary>
/// A UPU S10 item identifier: two service letters, an eight-digit serial, a check digit and the
/// ISO 3166 alpha-2 code of the posting country (<c>EE123456785SY</c>). The check digit weighs
/// the serial's digits 8 6 4 2 3 5 9 7; 11 minus the sum's remainder mod 11 is the digit, where
/// 10 becomes 0 and 11 becomes 5.
/// </summary>
internal readonly record struct S10Id
{
    public const int Length = 13;

    private static readonly int[] Weights = [8, 6, 4, 2, 3, 5, 9, 7];

    private S10Id(string value) => Value = value;

    public string Value { get; }

    /// <summary>The posting country, the last two letters.</summary>
    public string Country => Value[11..];

    public override string ToString() => Value;

    public static S10Id Create(string service, int serial, string country)
    {
        var digits = serial.ToString("D8", CultureInfo.InvariantCulture);
        return Parse($"{service}{digits}{CheckDigit(digits)}{country}");
    }

    public static S10Id Parse(string text) =>
        TryParse(text, out var id, out var error) ? id : throw new FormatException(error);

    /// <summary>Parses an id, or says which character is wrong and why.</summary>
    public static bool TryParse(string? text, out S10Id id, out string error)
    {
        id = default;
        if (string.IsNullOrEmpty(text))
        {
            error = "an S10 item id is 13 characters, such as EE123456785SY; none was given";
            return false;
        }

        if (text.Length != Length)
        {
            error = $"an S10 item id is 13 characters (two letters, eight digits, a check digit, two letters), such as EE123456785SY; this one has {text.Length}";
            return false;
        }

        for (var i = 0; i < Length; i++)
        {
            var c = text[i];
            var letter = i is < 2 or > 10;
            if (letter ? c is < 'A' or > 'Z' : c is < '0' or > '9')
            {
                error = $"character {i + 1} ('{Printable(c)}') must be {(letter ? "a capital letter A-Z" : "a digit 0-9")}: {Part(i)}";
                return false;
            }
        }

        var expected = CheckDigit(text.AsSpan(2, 8));
        if (text[10] - '0' != expected)
        {
            error = $"character 11 ('{text[10]}') is the check digit; for {text[2..10]} it must be {expected}";
            return false;
        }

        id = new S10Id(text);
        error = "";
        return true;
    }

    public static int CheckDigit(ReadOnlySpan<char> serial)
    {
        var sum = 0;
        for (var i = 0; i < Weights.Length; i++)
        {
            sum += (serial[i] - '0') * Weights[i];
        }

        return (11 - (sum % 11)) switch
        {
            10 => 0,
            11 => 5,
            var check => check,
        };
    }

    private static string Part(int index) => index switch
    {
        < 2 => "the first two letters name the service (EE for EMS)",
        < 10 => "characters 3-10 are the eight-digit serial number",
        10 => "character 11 is the check digit",
        _ => "the last two letters are the ISO 3166 code of the posting country",
    };

    private static string Printable(char c) => char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString();
}

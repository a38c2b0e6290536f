namespace Naqil.Agencies.Regulator.Numbering;

/// <summary>Why a typed number could not be read.</summary>
internal enum NumberInputError
{
    None,
    Empty,
    TooLong,
    Letters,
    MixedDigitScripts,
    BadCharacter,
    WrongLength,
    UnknownCountryCode,
}

/// <summary>
/// A number as a person types it, read into its digits: ASCII, Arabic-Indic (٠-٩) or Eastern
/// Arabic-Indic (۰-۹) digits, one script only; spaces, dashes, dots and brackets between them; an
/// international prefix of <c>+</c> or <c>00</c>, or the national trunk prefix <c>0</c>. What it
/// does not know is refused with the reason, never guessed.
/// </summary>
internal static class NumberInput
{
    /// <summary>The longest input read; anything longer is refused before any work.</summary>
    public const int MaxLength = 40;

    /// <summary>E.164: at most 15 digits, country code included.</summary>
    public const int MaxE164Digits = 15;

    /// <summary>The digits of a typed number and whether it began with an international prefix (<c>+</c>, <c>00</c>) or the trunk prefix <c>0</c>.</summary>
    public readonly record struct Digits(string Value, bool International, bool Trunk);

    public static NumberInputError TryRead(ReadOnlySpan<char> input, out Digits digits, out string reason)
    {
        digits = default;
        reason = "";
        if (input.Length > MaxLength)
        {
            reason = $"the number is {input.Length} characters long; a telephone number is at most {MaxLength} characters, spaces included";
            return NumberInputError.TooLong;
        }

        Span<char> buffer = stackalloc char[MaxLength];
        var count = 0;
        var plus = false;
        var script = ' ';
        for (var i = 0; i < input.Length; i++)
        {
            var c = input[i];
            char digit;
            char thisScript;
            if (c is >= '0' and <= '9')
            {
                (digit, thisScript) = (c, 'L');
            }
            else if (c is >= '\u0660' and <= '\u0669')
            {
                (digit, thisScript) = ((char)('0' + (c - '\u0660')), 'A');
            }
            else if (c is >= '\u06F0' and <= '\u06F9')
            {
                (digit, thisScript) = ((char)('0' + (c - '\u06F0')), 'E');
            }
            else if (c == '+' && count == 0 && !plus)
            {
                plus = true;
                continue;
            }
            else if (c is ' ' or '-' or '.' or '(' or ')' or '/' or '\u00A0' or '\u200F' or '\u200E')
            {
                continue;
            }
            else if (char.IsLetter(c))
            {
                reason = $"character {i + 1} ('{c}') is a letter; a telephone number has digits only (spaces, dashes, dots and brackets between them are ignored)";
                return NumberInputError.Letters;
            }
            else
            {
                reason = $"character {i + 1} (U+{(int)c:X4}) is not a digit, '+' at the start, or a space, dash, dot or bracket";
                return NumberInputError.BadCharacter;
            }

            if (script != ' ' && script != thisScript)
            {
                reason = $"character {i + 1} ('{c}') is a digit of {ScriptName(thisScript)}, after digits of {ScriptName(script)}; write the number in one script";
                return NumberInputError.MixedDigitScripts;
            }

            script = thisScript;
            buffer[count++] = digit;
        }

        if (count == 0)
        {
            reason = "the number has no digits";
            return NumberInputError.Empty;
        }

        var span = buffer[..count];
        var international = plus;
        var trunk = false;
        if (!plus && span.StartsWith("00"))
        {
            span = span[2..];
            international = true;
        }
        else if (!plus && span[0] == '0')
        {
            span = span[1..];
            trunk = true;
        }

        if (span.Length == 0 || span.Length > MaxE164Digits)
        {
            reason = $"the number has {span.Length} digits after its prefix; an international number has 1 to {MaxE164Digits} (E.164)";
            return NumberInputError.WrongLength;
        }

        digits = new Digits(new string(span), international, trunk);
        return NumberInputError.None;
    }

    private static string ScriptName(char script) => script switch
    {
        'L' => "ASCII (0-9)",
        'A' => "Arabic-Indic (٠-٩)",
        _ => "Eastern Arabic-Indic (۰-۹)",
    };
}

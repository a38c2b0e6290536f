using PhoneNumbers;

namespace Naqil.Agencies.Regulator.Numbering;

/// <summary>What a lookup found: the number read (or why it could not be), and for a national number its block and the operator serving it.</summary>
internal readonly record struct LookupResult(
    NumberInputError Error,
    string Reason,
    int CountryCode,
    string? Region,
    string Nsn,
    long E164,
    bool Valid,
    string? InvalidReason,
    NumberBlock? Block,
    string? ServingOperator,
    bool Ported,
    string? ForeignType)
{
    /// <summary>The number as E.164 text (<c>+963944123456</c>); none for a short code.</summary>
    public string? E164Text => E164 == 0 ? null : $"+{E164}";
}

/// <summary>
/// Reads a typed number and answers from the regulator's own plan and portability database: a
/// national number (trunk <c>0</c>, or the country code after <c>+</c> / <c>00</c>) is read here
/// without libphonenumber; another country's is parsed by libphonenumber for its region and
/// validity. The plan, not libphonenumber's metadata, decides a national number's validity, type,
/// area and operator.
/// </summary>
internal sealed class NumberLookup(RegulatorProfile profile, NumberingIndex index)
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    private readonly string _countryCode = profile.CountryCode;
    private readonly int _countryCodeValue = int.Parse(profile.CountryCode, System.Globalization.CultureInfo.InvariantCulture);

    public LookupResult Lookup(string input)
    {
        var error = NumberInput.TryRead(input, out var digits, out var reason);
        if (error != NumberInputError.None)
        {
            return Failed(error, reason);
        }

        var text = digits.Value;
        if (digits.International && !text.StartsWith(_countryCode, StringComparison.Ordinal))
        {
            return Foreign(text);
        }

        var nsn = digits.International ? text[_countryCode.Length..] : text;
        return National(nsn, shortCodeAllowed: !digits.International && !digits.Trunk);
    }

    private LookupResult National(string nsn, bool shortCodeAllowed)
    {
        if (nsn.Length == 0)
        {
            return Failed(NumberInputError.WrongLength, $"+{_countryCode} is followed by no national number");
        }

        var e164 = (_countryCodeValue * Pow10(nsn.Length)) + Parse(nsn);
        var block = index.Block(nsn);
        if (block is null)
        {
            return new(NumberInputError.None, "", _countryCodeValue, profile.Country, nsn, e164, false,
                $"no block of the national numbering plan of +{_countryCode} holds numbers starting {nsn[..Math.Min(nsn.Length, 4)]}", null, null, false, null);
        }

        if (block.Type == NumberType.ShortCode)
        {
            return shortCodeAllowed && nsn.Length == block.NsnLength
                ? new(NumberInputError.None, "", _countryCodeValue, profile.Country, nsn, 0, true, null, block, block.Holder, false, null)
                : new(NumberInputError.None, "", _countryCodeValue, profile.Country, nsn, e164, false,
                    $"{block.Prefix} is a short code of {block.NsnLength} digits, dialled as it is, without 0 or +{_countryCode}", block, null, false, null);
        }

        if (nsn.Length != block.NsnLength)
        {
            return new(NumberInputError.None, "", _countryCodeValue, profile.Country, nsn, e164, false,
                $"numbers of block {block.Prefix} ({NumberingPlan.Name(block.Type)}) have {block.NsnLength} digits after the trunk 0 or +{_countryCode}; this one has {nsn.Length}", block, null, false, null);
        }

        var ported = index.Ported(e164);
        return new(NumberInputError.None, "", _countryCodeValue, profile.Country, nsn, e164, true, null, block, ported ?? block.Holder, ported is not null, null);
    }

    private static LookupResult Foreign(string digits)
    {
        for (var length = 1; length <= 3 && length < digits.Length; length++)
        {
            var code = (int)Parse(digits.AsSpan(0, length));
            var region = Util.GetRegionCodeForCountryCode(code);
            if (region == "ZZ")
            {
                continue;
            }

            try
            {
                var number = Util.Parse("+" + digits, null);
                var valid = Util.IsValidNumber(number);
                var type = Util.GetNumberType(number);
                return new(NumberInputError.None, "", code, region, digits[length..], Parse(digits), valid,
                    valid ? null : $"not a valid number of +{code} ({region}) by the international numbering metadata", null, null, false,
                    type.ToString().ToLowerInvariant().Replace('_', '-'));
            }
            catch (NumberParseException e)
            {
                return Failed(NumberInputError.WrongLength, $"+{code} ({region}): {e.Message}");
            }
        }

        return Failed(NumberInputError.UnknownCountryCode, $"+{digits[..Math.Min(3, digits.Length)]}… starts with no assigned country code (ITU-T E.164)");
    }

    private static LookupResult Failed(NumberInputError error, string reason) => new(error, reason, 0, null, "", 0, false, null, null, null, false, null);

    private static long Parse(ReadOnlySpan<char> digits)
    {
        long value = 0;
        foreach (var c in digits)
        {
            value = (value * 10) + (c - '0');
        }

        return value;
    }

    private static long Pow10(int n)
    {
        long p = 1;
        for (var i = 0; i < n; i++)
        {
            p *= 10;
        }

        return p;
    }

    /// <summary>The number formatted by libphonenumber in its international and national forms (for answers, not for lookups).</summary>
    public static (string International, string National)? Format(long e164)
    {
        try
        {
            var number = Util.Parse($"+{e164}", null);
            return (Util.Format(number, PhoneNumberFormat.INTERNATIONAL), Util.Format(number, PhoneNumberFormat.NATIONAL));
        }
        catch (NumberParseException)
        {
            return null;
        }
    }
}

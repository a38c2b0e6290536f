using Naqil.Agencies.Regulator;
using Naqil.Agencies.Regulator.Numbering;

namespace Naqil.Agencies.Tests.Regulator.Numbering;

public sealed class NumberLookupTests
{
    private static readonly DateTimeOffset Since = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static NumberLookup Lookup()
    {
        var index = new NumberingIndex();
        index.SetBlocks(
        [
            new NumberBlock("94", 9, NumberType.Mobile, null, BlockState.Allocated, "MTN", Since),
            new NumberBlock("93", 9, NumberType.Mobile, null, BlockState.Allocated, "SYRIATEL", Since),
            new NumberBlock("97", 9, NumberType.Mobile, null, BlockState.Quarantine, "MTN", Since),
            new NumberBlock("114", 9, NumberType.GeographicFixed, "Damascus", BlockState.Allocated, "SYTEL", Since),
            new NumberBlock("112", 3, NumberType.ShortCode, null, BlockState.Allocated, "SYTEL", Since),
        ]);
        index.SetPorted(963944123456, "SYRIATEL");
        return new NumberLookup(Regulators.Syria, index);
    }

    [Theory]
    [InlineData("0944 123 456")]
    [InlineData("0944-123-456")]
    [InlineData("+963 944123456")]
    [InlineData("+963 (944) 123 456")]
    [InlineData("00963944123456")]
    [InlineData("٠٩٤٤١٢٣٤٥٦")]
    [InlineData("+٩٦٣٩٤٤١٢٣٤٥٦")]
    [InlineData("۰۹۴۴۱۲۳۴۵۶")]
    [InlineData("944123456")]
    public void Lookup_AnyTypedForm_ReadsThePortedNumberAndItsServingOperator(string typed)
    {
        var found = Lookup().Lookup(typed);

        Assert.Equal(NumberInputError.None, found.Error);
        Assert.True(found.Valid, found.InvalidReason);
        Assert.Equal("+963944123456", found.E164Text);
        Assert.Equal("MTN", found.Block!.Holder);
        Assert.Equal("SYRIATEL", found.ServingOperator);
        Assert.True(found.Ported);
    }

    [Fact]
    public void Lookup_NotPorted_IsServedByTheBlocksOperator()
    {
        var found = Lookup().Lookup("0933 000 111");

        Assert.Equal("SYRIATEL", found.ServingOperator);
        Assert.False(found.Ported);
    }

    [Fact]
    public void Lookup_GeographicNumber_HasItsArea()
    {
        var found = Lookup().Lookup("011 4123 456");

        Assert.True(found.Valid);
        Assert.Equal(NumberType.GeographicFixed, found.Block!.Type);
        Assert.Equal("Damascus", found.Block.Area);
    }

    [Theory]
    [InlineData("0944 123 45", "have 9 digits")]
    [InlineData("0944 123 4567", "have 9 digits")]
    [InlineData("0955 123 456", "no block")]
    [InlineData("+963 112", "short code")]
    public void Lookup_NotANumberOfThePlan_IsInvalidWithTheReason(string typed, string reason)
    {
        var found = Lookup().Lookup(typed);

        Assert.Equal(NumberInputError.None, found.Error);
        Assert.False(found.Valid);
        Assert.Contains(reason, found.InvalidReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Lookup_InQuarantine_IsInThePlanButServedByNobody()
    {
        var found = Lookup().Lookup("0977 123 456");

        Assert.True(found.Valid);
        Assert.Equal(BlockState.Quarantine, found.Block!.State);
        Assert.Null(found.ServingOperator);
    }

    [Fact]
    public void Lookup_ShortCode_DialledAsItIs()
    {
        var found = Lookup().Lookup("112");

        Assert.True(found.Valid);
        Assert.Equal(NumberType.ShortCode, found.Block!.Type);
        Assert.Null(found.E164Text);
    }

    [Fact]
    public void Lookup_AnotherCountrysNumber_IsParsedByLibphonenumber()
    {
        var found = Lookup().Lookup("+964 770 123 4567");

        Assert.Equal(964, found.CountryCode);
        Assert.Equal("IQ", found.Region);
        Assert.True(found.Valid);
        Assert.Equal("mobile", found.ForeignType);
        Assert.Null(found.ServingOperator);
    }

    [Theory]
    [InlineData("0944 12a 456", "Letters", "character 8 ('a') is a letter")]
    [InlineData("+963 ٩٤٤123456", "MixedDigitScripts", "one script")]
    [InlineData("٠٩٤٤۱۲۳۴۵۶", "MixedDigitScripts", "Eastern Arabic-Indic")]
    [InlineData("", "Empty", "no digits")]
    [InlineData("  -- ", "Empty", "no digits")]
    [InlineData("0944*123", "BadCharacter", "U+002A")]
    [InlineData("+1234567890123456", "WrongLength", "1 to 15")]
    [InlineData("+999 123 456", "UnknownCountryCode", "no assigned country code")]
    [InlineData("+963", "WrongLength", "no national number")]
    public void Lookup_BadInput_IsRefusedWithTheReason(string typed, string error, string reason)
    {
        var found = Lookup().Lookup(typed);

        Assert.Equal(error, found.Error.ToString());
        Assert.Contains(reason, found.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Lookup_TwoHundredCharacters_IsRefusedBeforeAnyWork()
    {
        var found = Lookup().Lookup(new string('9', 200));

        Assert.Equal(NumberInputError.TooLong, found.Error);
        Assert.Contains("200 characters", found.Reason, StringComparison.Ordinal);
    }
}

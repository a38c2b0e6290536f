using System.Text.Json;
using Naqil.Agencies.Payments.Money;

namespace Naqil.Agencies.Tests.Payments.Money;

public sealed class AmountTests
{
    private const long Limit = 100_000_000_00;

    [Theory]
    [InlineData("\"1500.00\"", 2, 150000)]
    [InlineData("\"1500\"", 2, 150000)]
    [InlineData("\"0.5\"", 2, 50)]
    [InlineData("\"0.01\"", 2, 1)]
    [InlineData("1500.25", 2, 150025)]
    [InlineData("\"12.345\"", 3, 12345)]
    [InlineData("\"7\"", 0, 7)]
    [InlineData("\"100000000.00\"", 2, Limit)]
    public void TryParse_PlainDecimal_IsMinorUnits(string json, int units, long expected)
    {
        Assert.Equal(AmountError.None, Amount.TryParse(Element(json), units, Limit, out var minor, out var detail));
        Assert.Equal(expected, minor);
        Assert.Equal("", detail);
    }

    [Theory]
    [InlineData("\"1e3\"", 2, (int)AmountError.Malformed)]
    [InlineData("1e3", 2, (int)AmountError.Malformed)]
    [InlineData("1E+3", 2, (int)AmountError.Malformed)]
    [InlineData("\"+5\"", 2, (int)AmountError.Malformed)]
    [InlineData("\" 5\"", 2, (int)AmountError.Malformed)]
    [InlineData("\"1,500.00\"", 2, (int)AmountError.Malformed)]
    [InlineData("\"01500\"", 2, (int)AmountError.Malformed)]
    [InlineData("\"5.\"", 2, (int)AmountError.Malformed)]
    [InlineData("\".5\"", 2, (int)AmountError.Malformed)]
    [InlineData("\"0x10\"", 2, (int)AmountError.Malformed)]
    [InlineData("\"١٥٠٠\"", 2, (int)AmountError.Malformed)]
    [InlineData("\"\"", 2, (int)AmountError.Malformed)]
    [InlineData("true", 2, (int)AmountError.Malformed)]
    [InlineData("null", 2, (int)AmountError.Malformed)]
    [InlineData("\"-5.00\"", 2, (int)AmountError.NotPositive)]
    [InlineData("-5", 2, (int)AmountError.NotPositive)]
    [InlineData("\"0\"", 2, (int)AmountError.NotPositive)]
    [InlineData("\"0.00\"", 2, (int)AmountError.NotPositive)]
    [InlineData("\"1.001\"", 2, (int)AmountError.TooManyDecimals)]
    [InlineData("\"1.5\"", 0, (int)AmountError.TooManyDecimals)]
    [InlineData("\"12.3456\"", 3, (int)AmountError.TooManyDecimals)]
    [InlineData("\"100000000.01\"", 2, (int)AmountError.OverLimit)]
    [InlineData("\"99999999999999999999999\"", 2, (int)AmountError.OverLimit)]
    public void TryParse_BadAmount_IsRefusedWithItsReason(string json, int units, int expected)
    {
        Assert.Equal((AmountError)expected, Amount.TryParse(Element(json), units, Limit, out var minor, out var detail));
        Assert.Equal(0, minor);
        Assert.NotEqual("", detail);
    }

    [Theory]
    [InlineData(150000, 2, "1500.00")]
    [InlineData(1, 2, "0.01")]
    [InlineData(12345, 3, "12.345")]
    [InlineData(7, 0, "7")]
    [InlineData(-250, 2, "-2.50")]
    [InlineData(0, 3, "0.000")]
    public void Format_MinorUnits_IsExactDecimal(long minor, int units, string expected) => Assert.Equal(expected, Amount.Format(minor, units));

    [Theory]
    [InlineData("SYP", 2)]
    [InlineData("IQD", 3)]
    [InlineData("JOD", 3)]
    [InlineData("OMR", 3)]
    [InlineData("JPY", 0)]
    [InlineData("USD", 2)]
    public void Currencies_KnownCodes_HaveTheirMinorUnits(string code, int units)
    {
        Assert.True(Currencies.TryGetMinorUnits(code, out var actual));
        Assert.Equal(units, actual);
    }

    [Theory]
    [InlineData("syp")]
    [InlineData("XXX")]
    [InlineData("")]
    public void Currencies_UnknownOrLowerCase_AreNotTaken(string code) => Assert.False(Currencies.TryGetMinorUnits(code, out _));

    private static JsonElement Element(string json) => JsonDocument.Parse(json).RootElement.Clone();
}

using Naqil.Agencies.Postal;

namespace Naqil.Agencies.Tests.Postal;

public sealed class S10IdTests
{
    [Theory]
    [InlineData("EE123456785SY", "SY")] // issue 18's example
    [InlineData("AA473124829GB", "GB")] // the UPU S10 standard's worked example
    [InlineData("EE000000005IQ", "IQ")] // remainder 0: 11 - 0 = 11 is written 5
    [InlineData("EE000000080SY", "SY")] // remainder 1: 11 - 1 = 10 is written 0
    [InlineData("RR987654326IQ", "IQ")]
    public void TryParse_ValidId_KeepsItAndItsCountry(string text, string country)
    {
        Assert.True(S10Id.TryParse(text, out var id, out var error), error);
        Assert.Equal(text, id.Value);
        Assert.Equal(country, id.Country);
    }

    [Theory]
    [InlineData("EE123456784SY", "character 11 ('4') is the check digit; for 12345678 it must be 5")]
    [InlineData("AA473124828GB", "character 11 ('8') is the check digit; for 47312482 it must be 9")]
    [InlineData("E1123456785SY", "character 2 ('1') must be a capital letter A-Z: the first two letters name the service (EE for EMS)")]
    [InlineData("ee123456785SY", "character 1 ('e') must be a capital letter A-Z: the first two letters name the service (EE for EMS)")]
    [InlineData("EE12345X785SY", "character 8 ('X') must be a digit 0-9: characters 3-10 are the eight-digit serial number")]
    [InlineData("EE12345678XSY", "character 11 ('X') must be a digit 0-9: character 11 is the check digit")]
    [InlineData("EE123456785S1", "character 13 ('1') must be a capital letter A-Z: the last two letters are the ISO 3166 code of the posting country")]
    [InlineData("EE12345678SY", "an S10 item id is 13 characters (two letters, eight digits, a check digit, two letters), such as EE123456785SY; this one has 12")]
    [InlineData("EE1234567855SY", "an S10 item id is 13 characters (two letters, eight digits, a check digit, two letters), such as EE123456785SY; this one has 14")]
    [InlineData("", "an S10 item id is 13 characters, such as EE123456785SY; none was given")]
    [InlineData("EE12345\u0000785SY", "character 8 ('U+0000') must be a digit 0-9: characters 3-10 are the eight-digit serial number")]
    public void TryParse_BadId_SaysWhichCharacterAndWhy(string text, string expected)
    {
        Assert.False(S10Id.TryParse(text, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData(12345678, 5)]
    [InlineData(47312482, 9)]
    [InlineData(0, 5)]
    [InlineData(8, 0)]
    [InlineData(200, 1)]
    public void Create_AppendsTheCheckDigit(int serial, int check)
    {
        var id = S10Id.Create("EE", serial, "SY");
        Assert.Equal(check, id.Value[10] - '0');
        Assert.Equal($"EE{serial:D8}{check}SY", id.Value);
    }

    [Fact]
    public void EveryWrongCheckDigit_IsRefused_AndOnlyTheRightOneAccepted()
    {
        var accepted = Enumerable.Range(0, 10).Where(d => S10Id.TryParse($"EE12345678{d}SY", out _, out _)).ToList();
        Assert.Equal([5], accepted);
    }
}

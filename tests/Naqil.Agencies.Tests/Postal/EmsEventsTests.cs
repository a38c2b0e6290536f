using Naqil.Agencies.Postal;
using static Naqil.Agencies.Postal.EmsEventCode;

namespace Naqil.Agencies.Tests.Postal;

public sealed class EmsEventsTests
{
    public static TheoryData<string?, string, bool> Transitions => new()
    {
        { null, "EMA", true },
        { null, "EMI", false },
        { null, "EMB", false },
        { "EMA", "EMB", true },
        { "EMA", "EMC", false },
        { "EMA", "EMA", false },
        { "EMB", "EMC", true },
        { "EMC", "EMD", false }, // the destination post records EMD on its own item
        { "EMC", "EMI", false },
        { "EMB", "EMA", false },
    };

    public static TheoryData<string?, string, bool> InboundTransitions => new()
    {
        { null, "EMD", true },
        { null, "EMA", false },
        { "EMD", "EME", true },
        { "EMD", "EMF", true },
        { "EMD", "EMG", false },
        { "EME", "EMF", true },
        { "EME", "EMI", false },
        { "EMF", "EMG", true },
        { "EMG", "EMH", true },
        { "EMG", "EMI", true },
        { "EMH", "EMH", true },
        { "EMH", "EMI", true },
        { "EMI", "EMI", false },
        { "EMI", "EMH", false },
        { "EMF", "EMD", false },
    };

    [Theory]
    [MemberData(nameof(Transitions))]
    public void CanFollow_ItemPostedHere(string? last, string next, bool allowed) =>
        Assert.Equal(allowed, EmsEvents.CanFollow(Code(last), Code(next)!.Value, postedHere: true));

    [Theory]
    [MemberData(nameof(InboundTransitions))]
    public void CanFollow_ItemFromAbroad(string? last, string next, bool allowed) =>
        Assert.Equal(allowed, EmsEvents.CanFollow(Code(last), Code(next)!.Value, postedHere: false));

    private static EmsEventCode? Code(string? text) => text is null ? null : Enum.Parse<EmsEventCode>(text);

    [Fact]
    public void EveryCode_HasEnglishAndArabicMeaning_AndAStatus()
    {
        Assert.Equal(9, EmsEvents.All.Count);
        Assert.All(EmsEvents.All, e =>
        {
            Assert.False(string.IsNullOrWhiteSpace(e.English));
            Assert.Contains(e.Arabic, c => c is >= '\u0600' and <= '\u06FF');
            Assert.Matches("^[a-z-]+$", e.Status);
        });
        Assert.Equal(9, EmsEvents.All.Select(e => e.Status).Distinct().Count());
        Assert.Equal("Final delivery", EmsEvents.Info(EMI).English);
        Assert.Equal("delivered", EmsEvents.Info(EMI).Status);
    }

    [Theory]
    [InlineData("EMA", true)]
    [InlineData("EMI", true)]
    [InlineData("EMJ", false)]
    [InlineData("ema", false)]
    [InlineData("0", false)]
    [InlineData("EM1", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void TryParse_OnlyTheNineCodesAsWritten(string? text, bool known) =>
        Assert.Equal(known, EmsEvents.TryParse(text, out _));
}

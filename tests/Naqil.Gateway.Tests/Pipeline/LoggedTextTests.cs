using Naqil.Gateway.Pipeline;

namespace Naqil.Gateway.Tests.Pipeline;

public sealed class LoggedTextTests
{
    [Theory]
    [InlineData("SY/GOV/MOCT/portal")]
    [InlineData("")]
    [InlineData(" !~ printable ASCII, all of it")]
    public void From_RefusedPlainText_KeptAsTheSameInstance(string text)
    {
        Assert.Same(text, LoggedText.From(text, refused: true));
        Assert.Same(text, LoggedText.Escape(text));
    }

    [Fact]
    public void From_RefusedPlainTextAtTheLimit_KeptAsTheSameInstance()
    {
        var text = new string('a', LoggedText.MaxLength);

        Assert.Same(text, LoggedText.From(text, refused: true));
    }

    [Theory]
    [InlineData("a\nb", "a\\u000ab")]
    [InlineData("\u001b[31mred", "\\u001b[31mred")]
    [InlineData("tab\there", "tab\\u0009here")]
    [InlineData("del\u007f", "del\\u007f")]
    [InlineData("é", "\\u00e9")]
    [InlineData("الحلبي", "\\u0627\\u0644\\u062d\\u0644\\u0628\\u064a")]
    [InlineData("a\\b", "a\\\\b")]
    [InlineData("\0", "\\u0000")]
    public void From_RefusedTextWithControlNonAsciiOrBackslash_Escaped(string text, string logged)
    {
        Assert.Equal(logged, LoggedText.From(text, refused: true));
    }

    [Theory]
    [InlineData("a\nb\\é\u001b")]
    [InlineData("")]
    public void From_AcceptedText_KeptAsIs(string text)
    {
        var longText = text + new string('x', LoggedText.MaxPathLength * 2);

        Assert.Same(text, LoggedText.From(text, refused: false));
        Assert.Same(longText, LoggedText.From(longText, refused: false));
        Assert.Same(text, LoggedText.FromOptional(text, refused: false));
    }

    [Fact]
    public void FromOptional_Null_StaysNull()
    {
        Assert.Null(LoggedText.FromOptional(null, refused: true));
        Assert.Null(LoggedText.FromOptional(null, refused: false));
    }

    [Theory]
    [InlineData(LoggedText.MaxLength + 1, LoggedText.MaxLength)]
    [InlineData(10_000, LoggedText.MaxLength)]
    public void From_RefusedTextOverTheLimit_CutWithTheMarker(int length, int kept)
    {
        var text = new string('a', length);

        var logged = LoggedText.From(text, refused: true);

        Assert.Equal(new string('a', kept) + LoggedText.CutMarker, logged);
    }

    [Fact]
    public void From_RefusedPathOverItsOwnLimit_CutAtMaxPathLength()
    {
        var path = "/" + new string('p', LoggedText.MaxPathLength);

        var logged = LoggedText.From(path, refused: true, LoggedText.MaxPathLength);

        Assert.Equal(path[..LoggedText.MaxPathLength] + LoggedText.CutMarker, logged);
        var atLimit = path[..LoggedText.MaxPathLength];
        Assert.Same(atLimit, LoggedText.From(atLimit, refused: true, LoggedText.MaxPathLength));
    }

    [Theory]
    [InlineData(LoggedText.MaxLength - 1, "é", LoggedText.MaxLength - 1)]
    [InlineData(LoggedText.MaxLength - 6, "é", LoggedText.MaxLength)]
    [InlineData(LoggedText.MaxLength - 5, "é", LoggedText.MaxLength - 5)]
    [InlineData(LoggedText.MaxLength - 2, "\\", LoggedText.MaxLength)]
    [InlineData(LoggedText.MaxLength - 1, "\\", LoggedText.MaxLength - 1)]
    public void Escape_EscapeThatWouldCrossTheLimit_CutBeforeIt_NeverSplit(int prefix, string character, int keptBeforeMarker)
    {
        var text = new string('a', prefix) + character + "tail";

        var logged = LoggedText.Escape(text);

        Assert.EndsWith(LoggedText.CutMarker, logged, StringComparison.Ordinal);
        var kept = logged[..^LoggedText.CutMarker.Length];
        Assert.Equal(keptBeforeMarker, kept.Length);
        Assert.StartsWith(new string('a', prefix), kept, StringComparison.Ordinal);
        Assert.True(kept.Length <= LoggedText.MaxLength);
    }
}

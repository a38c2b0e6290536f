using System.Text;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using Naqil.Identifiers;

namespace Naqil.Core.Tests.Properties;

/// <summary>
/// The identifier parsers against the grammar of docs/protocol.md §2: valid identifiers round-trip,
/// and for any text — including look-alikes, encodings, dot segments and control characters —
/// <c>TryParse</c> never throws and accepts exactly what an independent regular expression accepts.
/// </summary>
public sealed partial class IdentifierProperties
{
    private const string SegmentChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._";

    /// <summary>Pieces an attacker would try: look-alikes (Cyrillic р, Kelvin K, full-width letters and solidus, Arabic-Indic digit), encodings, dot segments, controls.</summary>
    private static readonly string[] HostilePieces =
    [
        "\u0440", "\u0405", "\u212A", "\uFF33", "\uFF0F", "\u2215", "\u0663", "\u0130", "\u0131", "\u00A0", "\u200B",
        "%2F", "%2f", "%2e", "%2E%2E", "..", ".", "...", "/", "//", "\\", "\0", "\n", "\r\n", "\t", " ", "?", "#", ";",
        "\uD800", "\uDC00", "😀", "", new string('a', 64), new string('b', 65),
    ];

    // Independent of Identifier.IsSegmentChar: an explicit ASCII class, a look-ahead for dot-only
    // segments, \z so that a trailing newline is not forgiven as '$' would.
    private const string Segment = @"(?!\.{1,64}(?:/|\z))[A-Za-z0-9._\-]{1,64}";

    [GeneratedRegex(@"\A[A-Z]{2}/(?:GOV|COM|ORG)/" + Segment + @"\z", RegexOptions.CultureInvariant)]
    private static partial Regex MemberGrammar();

    [GeneratedRegex(@"\A[A-Z]{2}/(?:GOV|COM|ORG)/" + Segment + "/" + Segment + @"\z", RegexOptions.CultureInvariant)]
    private static partial Regex SubsystemGrammar();

    [GeneratedRegex(@"\A[A-Z]{2}/(?:GOV|COM|ORG)/" + Segment + "/" + Segment + "/" + Segment + @"\z", RegexOptions.CultureInvariant)]
    private static partial Regex ServiceGrammar();

    private static Gen<string> ValidSegment =>
        from length in Gen.Choose(1, 64)
        from chars in Gen.ArrayOf(Gen.Elements(SegmentChars.ToCharArray()), length)
        let text = new string(chars)
        select text.All(c => c == '.') ? "x" + text[1..] : text;

    private static Gen<string> Instance =>
        from a in Gen.Choose('A', 'Z')
        from b in Gen.Choose('A', 'Z')
        select $"{(char)a}{(char)b}";

    private static Gen<string> ValidId(int segments) =>
        from instance in Instance
        from memberClass in Gen.Elements("GOV", "COM", "ORG")
        from rest in Gen.ArrayOf(ValidSegment, segments - 2)
        select string.Join('/', [instance, memberClass, .. rest]);

    /// <summary>A valid identifier with one to three edits drawn from <see cref="HostilePieces"/> and the segment alphabet.</summary>
    private static Gen<string> Mutated(int segments) =>
        from id in ValidId(segments)
        from edits in Gen.ArrayOf(Edit, 3).SelectMany(all => Gen.Choose(1, 3).Select(n => all[..n]))
        select edits.Aggregate(id, (text, edit) => edit(text));

    private static Gen<Func<string, string>> Edit =>
        from kind in Gen.Choose(0, 3)
        from piece in Gen.OneOf(Gen.Elements(HostilePieces), Gen.Elements(SegmentChars.ToCharArray()).Select(c => c.ToString()))
        from position in Gen.Choose(0, 1000)
        select (Func<string, string>)(text =>
        {
            var at = text.Length == 0 ? 0 : position % (text.Length + 1);
            return kind switch
            {
                0 => text.Insert(at, piece),
                1 when at < text.Length => text.Remove(at, 1).Insert(at, piece),
                2 when at < text.Length => text.Remove(at, 1),
                _ => ReplaceSegment(text, position, piece),
            };
        });

    private static Gen<string> AnyText(int segments) =>
        Gen.Frequency(
            (3, Mutated(segments)),
            (1, ValidId(segments)),
            (1, ArbMap.Default.GeneratorFor<string>().Select(s => s ?? "")),
            (1, Gen.ArrayOf(Gen.Elements(HostilePieces)).Select(string.Concat)));

    [Fact]
    public void MemberId_ValidText_ParsesAndRoundTrips() =>
        PropertyCheck.Run(Prop.ForAll(ValidId(3).ToArbitrary(), text => MemberId.Parse(text).ToString() == text), 500);

    [Fact]
    public void SubsystemId_ValidText_ParsesAndRoundTrips() =>
        PropertyCheck.Run(Prop.ForAll(ValidId(4).ToArbitrary(), text => SubsystemId.Parse(text).ToString() == text), 500);

    [Fact]
    public void ServiceId_ValidText_ParsesAndRoundTrips() =>
        PropertyCheck.Run(Prop.ForAll(ValidId(5).ToArbitrary(), text =>
        {
            var id = ServiceId.Parse(text);
            return id.ToString() == text && id.Subsystem.ToString() + "/" + id.Code == text;
        }), 500);

    [Fact]
    public void MemberId_AnyText_NeverThrows_AndAgreesWithGrammar() =>
        PropertyCheck.Run(Prop.ForAll(AnyText(3).ToArbitrary(), text =>
            Agrees(text, MemberGrammar(), MemberId.TryParse(text, out var id, out var error), id?.ToString(), error)), 2000);

    [Fact]
    public void SubsystemId_AnyText_NeverThrows_AndAgreesWithGrammar() =>
        PropertyCheck.Run(Prop.ForAll(AnyText(4).ToArbitrary(), text =>
            Agrees(text, SubsystemGrammar(), SubsystemId.TryParse(text, out var id, out var error), id?.ToString(), error)), 2000);

    [Fact]
    public void ServiceId_AnyText_NeverThrows_AndAgreesWithGrammar() =>
        PropertyCheck.Run(Prop.ForAll(AnyText(5).ToArbitrary(), text =>
            Agrees(text, ServiceGrammar(), ServiceId.TryParse(text, out var id, out var error), id?.ToString(), error)), 2000);

    [Fact]
    public void HostileGenerator_YieldsBothAcceptedAndRefusedText()
    {
        // Guards the properties above against a generator that only ever produces one side.
        var sample = AnyText(5).Sample(1000, 20);
        var accepted = sample.Count(text => ServiceGrammar().IsMatch(text));

        Assert.InRange(accepted, 20, 980);
    }

    [Theory]
    [InlineData("SY/GOV/CIVREG/registry/persons", true)]
    [InlineData("SY/GOV/CIVREG/registry/pers\u0440ons", false)]
    [InlineData("SY/GOV/CIVREG/registry\uFF0Fpersons", false)]
    [InlineData("SY/GOV/CIVREG/registry%2Fpersons", false)]
    [InlineData("SY/GOV/CIVREG/../persons", false)]
    [InlineData("SY/GOV/CIVREG/.../persons", false)]
    [InlineData("SY/GOV/CIVREG/.a/persons", true)]
    [InlineData("SY/GOV/CIVREG//persons", false)]
    [InlineData("SY/GOV/CIVREG/registry/persons/", false)]
    [InlineData("SY/GOV/CIVREG/registry/persons\n", false)]
    [InlineData("SY/GOV/\u212AIVREG/registry/persons", false)]
    [InlineData("sy/GOV/CIVREG/registry/persons", false)]
    [InlineData("SY/gov/CIVREG/registry/persons", false)]
    public void Oracle_KnownCases_AgreesWithParser(string text, bool valid)
    {
        // The oracle is itself code: these rows pin it to the grammar, so the properties above compare two right answers.
        Assert.Equal(valid, ServiceGrammar().IsMatch(text));
        Assert.Equal(valid, ServiceId.TryParse(text, out _, out _));
    }

    [Fact]
    public void ServiceId_SegmentOf64_Accepted_SegmentOf65_Refused()
    {
        Assert.True(ServiceId.TryParse($"SY/GOV/CIVREG/registry/{new string('a', 64)}", out _, out _));
        Assert.False(ServiceId.TryParse($"SY/GOV/CIVREG/registry/{new string('a', 65)}", out _, out var error));
        Assert.Contains("65", error, StringComparison.Ordinal);
    }

    private static bool Agrees(string text, Regex grammar, bool parsed, string? roundTrip, string? error)
    {
        var expected = grammar.IsMatch(text);
        if (parsed != expected)
        {
            throw new InvalidOperationException($"TryParse said {parsed}, the grammar says {expected} for \"{Escape(text)}\"");
        }

        // Accepted text comes back unchanged (never normalised); refused text comes with a reason.
        return parsed ? roundTrip == text && error is null : roundTrip is null && !string.IsNullOrWhiteSpace(error);
    }

    private static string ReplaceSegment(string text, int position, string piece)
    {
        var segments = text.Split('/');
        segments[position % segments.Length] = piece;
        return string.Join('/', segments);
    }

    private static string Escape(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text)
        {
            builder.Append(c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:X4}");
        }

        return builder.ToString();
    }
}

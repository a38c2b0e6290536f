using System.Text;
using Microsoft.Extensions.Configuration;
using Naqil.Configuration;

namespace Naqil.Core.Tests.Configuration;

public sealed class ConfigurationShapeTests
{
    public sealed record SampleOptions
    {
        public string Member { get; init; } = "";

        public int Count { get; init; }

        public bool Enabled { get; init; }

        public TimeSpan Interval { get; init; }

        public TimeSpan? Retention { get; init; }

        public IReadOnlyList<string> Partners { get; init; } = [];

        public IReadOnlyList<SampleClient> Clients { get; init; } = [];

        public SampleLog Log { get; init; } = new();

        public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

        /// <summary>Read-only: the binder never sets it, so it is not a key.</summary>
        public string Computed => Member;
    }

    public sealed record SampleClient
    {
        public string Subsystem { get; init; } = "";

        public IReadOnlyList<string> ApiKeySha256 { get; init; } = [];
    }

    public sealed record SampleLog
    {
        public string Storage { get; init; } = "sqlite";
    }

    [Fact]
    public void Check_EveryKindOfValueInItsShape_NoProblems()
    {
        var json = """
            { "S": { "member": "SY/GOV/X", "Count": 3, "Enabled": true, "Interval": "00:00:05", "Retention": null,
                     "Partners": ["IQ"], "Clients": [ { "Subsystem": "SY/GOV/X/a", "ApiKeySha256": [] } ],
                     "Log": { "Storage": "postgresql" }, "Labels": { "any": "thing" } } }
            """;

        Assert.Empty(ConfigurationShape.Check(Section(json), typeof(SampleOptions)));
    }

    [Theory]
    [InlineData("""{ "Foo": 1 }""", "S:Foo is not a known key")]
    [InlineData("""{ "Membr": "x" }""", "S:Membr is not a known key; remove it or correct its name (did you mean Member?)")]
    [InlineData("""{ "Computed": "x" }""", "S:Computed is not a known key")]
    [InlineData("""{ "Log": { "Bogus": 1 } }""", "S:Log:Bogus is not a known key; remove it or correct its name (the keys here are Storage)")]
    [InlineData("""{ "Clients": [ { "Subsystem": "a", "Key": "b" } ] }""", "S:Clients:0:Key is not a known key")]
    [InlineData("""{ "Clients": [ { "ApiKeySha256": "abc" } ] }""", "S:Clients:0:ApiKeySha256 is a single value; it takes a list, even of one item: write [\"abc\"]")]
    [InlineData("""{ "Partners": { "a": "IQ" } }""", "S:Partners is an object; it takes a list")]
    [InlineData("""{ "Log": "sqlite" }""", "S:Log is a single value; it takes an object with the keys Storage")]
    [InlineData("""{ "Log": [ { "Storage": "sqlite" } ] }""", "S:Log is a list; it takes one object")]
    [InlineData("""{ "Member": [ "a" ] }""", "S:Member is a list; it takes a single value")]
    [InlineData("""{ "Member": { "a": 1 } }""", "S:Member is an object; it takes a single value")]
    [InlineData("""{ "Count": "many" }""", "S:Count is 'many', which is not a whole number")]
    [InlineData("""{ "Enabled": "yes" }""", "S:Enabled is 'yes', which is not true or false")]
    [InlineData("""{ "Interval": "5s" }""", "S:Interval is '5s', which is not a duration")]
    [InlineData("""{ "Retention": "forever" }""", "S:Retention is 'forever', which is not a duration")]
    [InlineData("""{ "Labels": "x" }""", "S:Labels is a single value; it takes an object of named entries")]
    [InlineData("""{ "Labels": { "a": { "b": 1 } } }""", "S:Labels:a is an object; it takes a single value")]
    public void Check_WrongKeyOrShape_NamesTheKeyByItsPath(string inner, string expected)
    {
        var problems = ConfigurationShape.Check(Section($$"""{ "S": {{inner}} }"""), typeof(SampleOptions));

        var problem = Assert.Single(problems);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SeveralProblems_ReportsEachOnce()
    {
        var problems = ConfigurationShape.Check(Section("""{ "S": { "Foo": 1, "Count": "x", "Clients": [ { "ApiKeySha256": "abc" } ] } }"""), typeof(SampleOptions));

        Assert.Equal(3, problems.Count);
    }

    private static IConfigurationSection Section(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build().GetSection("S");
}

using System.Text.RegularExpressions;
using Naqil.Gateway.ConsumerFace;
using Naqil.Gateway.Events;
using Naqil.Gateway.Events.Subscriber;
using Naqil.Gateway.ProviderFace;

namespace Naqil.Gateway.Tests.Pipeline;

/// <summary>docs/architecture.md shows each face's steps (and the events pipeline's) as a table; the tables must be the code's lists, in order.</summary>
public sealed partial class ArchitectureDocTests
{
    [Theory]
    [InlineData("### Consumer face", "consumer")]
    [InlineData("### Provider face", "provider")]
    [InlineData("### Events", "events")]
    [InlineData("### Subscriber", "subscriber")]
    public void StepTable_MatchesTheFacesStepList(string heading, string face)
    {
        var expected = (face switch
        {
            "consumer" => ConsumerSteps.Default,
            "provider" => ProviderSteps.Default,
            "subscriber" => SubscriberSteps.Default,
            _ => EventSteps.Default,
        }).Select(t => t.Name).ToList();

        var documented = StepsUnder(File.ReadAllText(DocPath()), heading);

        Assert.Equal(expected, documented);
    }

    /// <summary>The step names of the first table after <paramref name="heading"/>: rows <c>| n | `NameStep` | ...</c>.</summary>
    private static List<string> StepsUnder(string markdown, string heading)
    {
        var start = markdown.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/architecture.md has no '{heading}' section");
        var steps = new List<string>();
        var inTable = false;
        foreach (var line in markdown[start..].Split('\n').Skip(1))
        {
            var row = StepRow().Match(line);
            if (row.Success)
            {
                inTable = true;
                steps.Add(row.Groups["name"].Value);
            }
            else if (inTable && !line.StartsWith('|'))
            {
                break;
            }
        }

        return steps;
    }

    private static string DocPath()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "docs", "architecture.md");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("docs/architecture.md not found above the test's folder");
    }

    [GeneratedRegex(@"^\| \d+ \| `(?<name>\w+)` \|")]
    private static partial Regex StepRow();
}

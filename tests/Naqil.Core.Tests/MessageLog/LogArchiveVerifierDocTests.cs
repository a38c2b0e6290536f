using System.Text.RegularExpressions;

namespace Naqil.Core.Tests.MessageLog;

/// <summary>docs/message-log.md's verification table names every check <c>naqil log verify</c> can report, and no other.</summary>
public sealed partial class LogArchiveVerifierDocTests
{
    [Fact]
    public void VerificationTable_ListsEveryCheckTheVerifierReports()
    {
        var root = RepositoryRoot();
        var source = File.ReadAllText(Path.Combine(root, "src", "Naqil.Core", "MessageLog", "LogArchiveVerifier.cs"));
        var doc = File.ReadAllLines(Path.Combine(root, "docs", "message-log.md"));
        var reported = FailCall().Matches(source).Select(m => m.Groups["check"].Value).ToHashSet();
        var table = doc.SkipWhile(l => l != "| check | failure |").Skip(2).TakeWhile(l => l.StartsWith('|'))
            .SelectMany(l => TableCheck().Matches(l.Split('|')[1]).Select(m => m.Groups["check"].Value))
            .ToHashSet();

        Assert.Contains("entry-leaf", reported);
        Assert.Equal(reported.Order(StringComparer.Ordinal), table.Order(StringComparer.Ordinal));
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "docs", "message-log.md")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("docs/message-log.md not found above the test's folder");
    }

    [GeneratedRegex("""Fail\("(?<check>[a-z-]+)",""")]
    private static partial Regex FailCall();

    [GeneratedRegex("`(?<check>[a-z-]+)`")]
    private static partial Regex TableCheck();
}

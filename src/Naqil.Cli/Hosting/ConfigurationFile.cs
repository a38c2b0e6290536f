using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Naqil.Cli.Hosting;

/// <summary>
/// A component's JSON configuration file as <c>naqil &lt;component&gt; --config FILE</c> reads it.
/// What the component's own options check cannot see is checked here: that the file exists and
/// parses (a parse error names the file, line and position), and that its top level holds only the
/// component's section and <c>Logging</c>.
/// </summary>
internal static partial class ConfigurationFile
{
    /// <summary>Top-level sections every component reads besides its own.</summary>
    private static readonly string[] SharedSections = ["Logging"];

    /// <summary>The file's configuration, or null and one line per problem.</summary>
    public static IConfigurationRoot? Load(FileInfo file, string section, List<string> problems)
    {
        if (!file.Exists)
        {
            problems.Add($"the configuration file {file.FullName} does not exist");
            return null;
        }

        IConfigurationRoot configuration;
        try
        {
            configuration = new ConfigurationBuilder().AddJsonFile(file.FullName, optional: false, reloadOnChange: false).Build();
        }
        catch (InvalidDataException e)
        {
            problems.Add(Unreadable(file, e));
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{file.FullName} cannot be read: {e.Message}");
            return null;
        }

        foreach (var top in configuration.GetChildren())
        {
            if (!top.Key.Equals(section, StringComparison.OrdinalIgnoreCase) && !SharedSections.Contains(top.Key, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{top.Key} at the top of {file.Name} is not a section this component reads; put its settings under \"{section}\" (logging under \"Logging\")");
            }
        }

        if (!configuration.GetSection(section).Exists())
        {
            problems.Add($"{file.FullName} has no \"{section}\" section; see docs/operations.md");
        }

        return problems.Count == 0 ? configuration : null;
    }

    /// <summary>One line for a file the JSON provider could not load, with a 1-based line and position when the parser gave them.</summary>
    private static string Unreadable(FileInfo file, InvalidDataException e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is JsonException { LineNumber: { } line, BytePositionInLine: { } position } json)
            {
                var reason = ParserPosition().Replace(json.Message, "").Trim();
                return $"{file.FullName} is not valid JSON: line {line + 1}, position {position + 1}: {reason}";
            }
        }

        return $"{file.FullName} is not a JSON configuration file: {e.InnerException?.Message ?? e.Message}";
    }

    /// <summary>The parser's own 0-based " LineNumber: 3 | BytePositionInLine: 0." suffix, replaced by a 1-based one.</summary>
    [GeneratedRegex(@"\s*LineNumber: \d+ \| BytePositionInLine: \d+\.?$")]
    private static partial Regex ParserPosition();
}

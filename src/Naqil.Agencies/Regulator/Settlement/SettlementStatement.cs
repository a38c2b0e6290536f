using System.Text.Json;
using System.Text.Json.Serialization;

namespace Naqil.Agencies.Regulator.Settlement;

/// <summary>
/// One line of a settlement statement: the minutes one carrier handed another across the border in
/// one direction, of one type of traffic. <see cref="From"/> and <see cref="To"/> are countries (the
/// direction), the carriers are the originating and terminating ones.
/// </summary>
internal sealed record StatementLine(string From, string To, string OriginCarrier, string TerminatingCarrier, string TrafficType, long Minutes)
{
    /// <summary>What makes two statements' lines the same line.</summary>
    [JsonIgnore]
    public string Key => $"{From}>{To}|{OriginCarrier}>{TerminatingCarrier}|{TrafficType}";
}

/// <summary>A regulator's monthly statement of the international minutes exchanged with one partner country.</summary>
internal sealed record SettlementStatement(string Period, string Country, string Partner, IReadOnlyList<StatementLine> Lines)
{
    public static readonly IReadOnlyList<string> TrafficTypes = ["voice-fixed", "voice-mobile", "voice-transit"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static SettlementStatement? TryParse(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize<SettlementStatement>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>What is wrong with the statement, naming the field; null when it will do.</summary>
    public string? Problem()
    {
        if (Period is null || Period.Length != 7 || !DateOnly.TryParseExact(Period + "-01", "yyyy-MM-dd", out _))
        {
            return "period must be a month as yyyy-MM, such as 2026-11";
        }

        if (Country is null || Partner is null || Country.Length != 2 || Partner.Length != 2 || Country == Partner || !Country.All(char.IsAsciiLetterUpper) || !Partner.All(char.IsAsciiLetterUpper))
        {
            return "country and partner must be two different ISO 3166 alpha-2 codes, such as SY and IQ";
        }

        if (Lines is null || Lines.Count is 0 or > 1000)
        {
            return "lines must hold 1 to 1000 lines";
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Lines.Count; i++)
        {
            var l = Lines[i];
            if (l is null || !((l.From == Country && l.To == Partner) || (l.From == Partner && l.To == Country)))
            {
                return $"lines[{i}]: from and to must be {Country} and {Partner}, one way or the other";
            }

            if (string.IsNullOrWhiteSpace(l.OriginCarrier) || string.IsNullOrWhiteSpace(l.TerminatingCarrier) || l.OriginCarrier.Length > 32 || l.TerminatingCarrier.Length > 32)
            {
                return $"lines[{i}]: originCarrier and terminatingCarrier are required, at most 32 characters";
            }

            if (!TrafficTypes.Contains(l.TrafficType))
            {
                return $"lines[{i}]: trafficType must be one of {string.Join(", ", TrafficTypes)}";
            }

            if (l.Minutes < 0)
            {
                return $"lines[{i}]: minutes may not be negative";
            }

            if (!keys.Add(l.Key))
            {
                return $"lines[{i}]: the same direction, carriers and traffic type appear twice; give each once";
            }
        }

        return null;
    }
}

/// <summary>One reconciled line: each side's figure, the difference, and whether it is disputed.</summary>
internal sealed record ReconciledLine(string From, string To, string OriginCarrier, string TerminatingCarrier, string TrafficType, long? Ours, long? Theirs, double? DifferencePercent, bool Dispute);

internal static class Reconciliation
{
    /// <summary>Differences above this share of the larger figure are disputes.</summary>
    public const double Tolerance = 0.01;

    /// <summary>
    /// Both statements' lines side by side: a line either side lacks is a dispute; otherwise one
    /// whose figures differ by more than <see cref="Tolerance"/> of the larger.
    /// </summary>
    public static IReadOnlyList<ReconciledLine> Reconcile(SettlementStatement? ours, SettlementStatement? theirs)
    {
        var mine = (ours?.Lines ?? []).ToDictionary(l => l.Key);
        var other = (theirs?.Lines ?? []).ToDictionary(l => l.Key);
        var lines = new List<ReconciledLine>();
        foreach (var key in mine.Keys.Union(other.Keys).Order(StringComparer.Ordinal))
        {
            var a = mine.GetValueOrDefault(key);
            var b = other.GetValueOrDefault(key);
            var l = a ?? b!;
            double? difference = null;
            bool dispute;
            if (a is null || b is null)
            {
                dispute = true;
            }
            else
            {
                var larger = Math.Max(a.Minutes, b.Minutes);
                difference = larger == 0 ? 0 : Math.Round(100.0 * Math.Abs(a.Minutes - b.Minutes) / larger, 2);
                dispute = larger != 0 && (double)Math.Abs(a.Minutes - b.Minutes) / larger > Tolerance;
            }

            lines.Add(new ReconciledLine(l.From, l.To, l.OriginCarrier, l.TerminatingCarrier, l.TrafficType, a?.Minutes, b?.Minutes, difference, dispute));
        }

        return lines;
    }
}

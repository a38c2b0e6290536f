using System.Diagnostics.CodeAnalysis;
using Naqil.Gateway.Problems;
using Naqil.Identifiers;

namespace Naqil.Gateway.Messages;

/// <summary>
/// The target of an exchange, read from the raw request target
/// <c>/r1/{instance}/{class}/{member}/{subsystem}/{service}/{path...}?{query}</c>.
/// </summary>
internal sealed record ExchangeTarget(ServiceId Service, string ServiceText, string Path, string Query)
{
    public const string Prefix = "/r1/";

    /// <summary>Parses and vets the raw target; the path after the service id may not walk or hide structure.</summary>
    public static bool TryParse(string rawTarget, [NotNullWhen(true)] out ExchangeTarget? target, out GatewayProblem problem)
    {
        target = null;
        problem = default;
        var q = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var path = q < 0 ? rawTarget : rawTarget[..q];
        var query = q < 0 ? "" : rawTarget[q..];
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            problem = new GatewayProblem(GatewayError.BadPath, $"exchange paths start with {Prefix}{{instance}}/{{class}}/{{member}}/{{subsystem}}/{{service}}/");
            return false;
        }

        // The service id is the first five segments after the prefix.
        var end = Prefix.Length - 1;
        for (var i = 0; i < 5 && end >= 0; i++)
        {
            end = path.IndexOf('/', end + 1);
        }

        var serviceText = end < 0 ? path[Prefix.Length..] : path[Prefix.Length..end];
        var rest = end < 0 ? "/" : path[end..];
        if (!ServiceId.TryParse(serviceText, out var service, out var error))
        {
            problem = new GatewayProblem(GatewayError.BadIdentifier, $"the service in the path is not valid: {error}");
            return false;
        }

        if (CheckRest(rest) is { } restError)
        {
            problem = new GatewayProblem(GatewayError.BadPath, restError);
            return false;
        }

        target = new ExchangeTarget(service, serviceText, rest, query);
        return true;
    }

    private static string? CheckRest(string rest)
    {
        if (rest.Contains('\\', StringComparison.Ordinal))
        {
            return "the path after the service contains a backslash; use '/'";
        }

        foreach (var encoded in (ReadOnlySpan<string>)["%2e", "%2f", "%5c", "%00"])
        {
            if (rest.Contains(encoded, StringComparison.OrdinalIgnoreCase))
            {
                return $"the path after the service contains the encoded character '{encoded}', which could hide a path step; send the plain character or drop it";
            }
        }

        foreach (var segment in rest.Split('/'))
        {
            if (segment is "." or "..")
            {
                return "the path after the service contains a '.' or '..' segment; send the resolved path";
            }
        }

        return null;
    }
}

using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Naqil.Configuration;

/// <summary>
/// Checks a configuration section against the options type it is about to be bound to. The
/// binder ignores keys it does not know and drops values of the wrong shape (a string where a list
/// is expected binds to an empty list), so a misspelt or misshapen setting would silently take its
/// default; this walk finds them first. Each problem is one sentence that names the key by its full
/// path (<c>Gateway:Clients:0:ApiKeySha256</c>) and says what to write instead.
/// </summary>
public static class ConfigurationShape
{
    /// <summary>Every problem with the shape of <paramref name="section"/> as <paramref name="optionsType"/>; empty when it binds cleanly.</summary>
    public static IReadOnlyList<string> Check(IConfigurationSection section, Type optionsType)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(optionsType);
        var problems = new List<string>();
        CheckNode(section, optionsType, problems);
        return problems;
    }

    private static void CheckNode(IConfigurationSection node, Type type, List<string> problems)
    {
        var children = node.GetChildren().ToList();
        switch (KindOf(type))
        {
            case Kind.Scalar:
                CheckScalar(node, type, children, problems);
                break;
            case Kind.List:
                CheckList(node, ElementType(type), children, problems);
                break;
            case Kind.Dictionary:
                CheckDictionary(node, ElementType(type), children, problems);
                break;
            default:
                CheckObject(node, type, children, problems);
                break;
        }
    }

    private static void CheckScalar(IConfigurationSection node, Type type, List<IConfigurationSection> children, List<string> problems)
    {
        if (children.Count > 0)
        {
            problems.Add($"{node.Path} is {(AllIndexes(children) ? "a list" : "an object")}; it takes a single value ({Describe(type)})");
            return;
        }

        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (string.IsNullOrEmpty(node.Value) || target == typeof(string))
        {
            return;
        }

        if (!Converts(node.Value, target))
        {
            problems.Add($"{node.Path} is '{Printable(node.Value)}', which is not {Describe(target)}");
        }
    }

    private static void CheckList(IConfigurationSection node, Type element, List<IConfigurationSection> children, List<string> problems)
    {
        if (children.Count == 0)
        {
            // An empty JSON array reaches configuration as an empty value; anything else is one item where a list belongs.
            if (!string.IsNullOrEmpty(node.Value))
            {
                problems.Add($"{node.Path} is a single value; it takes a list, even of one item: write [\"{Printable(node.Value)}\"]");
            }

            return;
        }

        if (!AllIndexes(children))
        {
            problems.Add($"{node.Path} is an object; it takes a list: write [ ... ] with one entry per item");
            return;
        }

        foreach (var child in children)
        {
            CheckNode(child, element, problems);
        }
    }

    private static void CheckDictionary(IConfigurationSection node, Type value, List<IConfigurationSection> children, List<string> problems)
    {
        if (children.Count == 0 && !string.IsNullOrEmpty(node.Value))
        {
            problems.Add($"{node.Path} is a single value; it takes an object of named entries");
            return;
        }

        foreach (var child in children)
        {
            CheckNode(child, value, problems);
        }
    }

    private static void CheckObject(IConfigurationSection node, Type type, List<IConfigurationSection> children, List<string> problems)
    {
        var properties = Settable(type);
        if (children.Count == 0)
        {
            if (!string.IsNullOrEmpty(node.Value))
            {
                problems.Add($"{node.Path} is a single value; it takes an object with the keys {string.Join(", ", properties.Keys)}");
            }

            return;
        }

        if (AllIndexes(children))
        {
            problems.Add($"{node.Path} is a list; it takes one object with the keys {string.Join(", ", properties.Keys)}");
            return;
        }

        foreach (var child in children)
        {
            if (properties.TryGetValue(child.Key, out var property))
            {
                CheckNode(child, property.PropertyType, problems);
            }
            else
            {
                problems.Add($"{child.Path} is not a known key; remove it or correct its name ({Suggest(child.Key, properties.Keys)})");
            }
        }
    }

    private static string Suggest(string key, IEnumerable<string> known)
    {
        var names = known.ToList();
        var closest = names
            .Select(name => (Name: name, Distance: Distance(key.ToUpperInvariant(), name.ToUpperInvariant())))
            .Where(c => c.Distance <= Math.Max(2, c.Name.Length / 4))
            .OrderBy(c => c.Distance)
            .Select(c => c.Name)
            .FirstOrDefault();
        return closest is not null ? $"did you mean {closest}?" : $"the keys here are {string.Join(", ", names)}";
    }

    /// <summary>Levenshtein distance; names are short.</summary>
    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }

        return row[b.Length];
    }

    private static Dictionary<string, PropertyInfo> Settable(Type type)
    {
        var properties = new Dictionary<string, PropertyInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0)
            {
                properties[property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name] = property;
            }
        }

        return properties;
    }

    private static bool AllIndexes(List<IConfigurationSection> children) =>
        children.All(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _));

    private enum Kind
    {
        Scalar,
        List,
        Dictionary,
        Object,
    }

    private static Kind KindOf(Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(string) || target.IsPrimitive || target.IsEnum || target == typeof(decimal) || target == typeof(TimeSpan)
            || target == typeof(DateTimeOffset) || target == typeof(DateTime) || target == typeof(Guid) || target == typeof(Uri))
        {
            return Kind.Scalar;
        }

        if (DictionaryValueType(target) is not null)
        {
            return Kind.Dictionary;
        }

        return EnumerableElementType(target) is not null ? Kind.List : Kind.Object;
    }

    private static Type ElementType(Type type) => DictionaryValueType(type) ?? EnumerableElementType(type)!;

    private static Type? DictionaryValueType(Type type) =>
        SelfAndInterfaces(type)
            .Where(t => t.IsGenericType && (t.GetGenericTypeDefinition() == typeof(IDictionary<,>) || t.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)))
            .Select(t => t.GetGenericArguments()[1])
            .FirstOrDefault();

    private static Type? EnumerableElementType(Type type) =>
        type.IsArray
            ? type.GetElementType()
            : SelfAndInterfaces(type)
                .Where(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IEnumerable<>))
                .Select(t => t.GetGenericArguments()[0])
                .FirstOrDefault();

    private static IEnumerable<Type> SelfAndInterfaces(Type type) => type.IsInterface ? [type, .. type.GetInterfaces()] : type.GetInterfaces();

    private static bool Converts(string value, Type target)
    {
        try
        {
            TypeDescriptor.GetConverter(target).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            return false;
        }
    }

    private static string Describe(Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return target switch
        {
            _ when target == typeof(bool) => "true or false",
            _ when target == typeof(int) || target == typeof(long) || target == typeof(short) || target == typeof(uint) || target == typeof(ulong) => "a whole number",
            _ when target == typeof(double) || target == typeof(float) || target == typeof(decimal) => "a number",
            _ when target == typeof(TimeSpan) => "a duration such as 00:00:30 (hh:mm:ss) or 1.00:00:00 (a day)",
            _ when target == typeof(DateTimeOffset) || target == typeof(DateTime) => "a date and time such as 2026-03-01T08:00:00Z",
            _ when target.IsEnum => $"one of {string.Join(", ", Enum.GetNames(target))}",
            _ => "a text value",
        };
    }

    /// <summary>The value as it may appear in a message: short, one line.</summary>
    private static string Printable(string value)
    {
        var line = value.ReplaceLineEndings(" ");
        return line.Length <= 64 ? line : string.Concat(line.AsSpan(0, 61), "...");
    }
}

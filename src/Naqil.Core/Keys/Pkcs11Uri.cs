using System.Text;

namespace Naqil.Keys;

/// <summary>
/// Where a key lives in a PKCS#11 token, written as an RFC 7512 URI:
/// <c>pkcs11:token=naqil;object=gateway-signing?module-path=/usr/lib/softhsm/libsofthsm2.so&amp;pin-source=file:/etc/naqil/pin</c>.
/// Path attributes: <c>token</c> (the token's label) or <c>slot-id</c>, and <c>object</c> (the
/// key's label) and/or <c>id</c> (its CKA_ID, percent-encoded bytes). Query attributes:
/// <c>module-path</c> (required), and the PIN from <c>pin-source=file:/path</c> (the file's first
/// line), <c>pin-source=env:NAME</c> (an environment variable) or <c>pin-value</c> (in the URI
/// itself; only for tests, since configuration files are read by more people than keys should be).
/// </summary>
public sealed record Pkcs11Uri
{
    public const string Scheme = "pkcs11:";

    public required string ModulePath { get; init; }

    /// <summary>The token's label (CKA_LABEL of the token, RFC 7512 <c>token</c>).</summary>
    public string? Token { get; init; }

    public ulong? SlotId { get; init; }

    /// <summary>The key's label (RFC 7512 <c>object</c>).</summary>
    public string? Object { get; init; }

    /// <summary>The key's CKA_ID (RFC 7512 <c>id</c>).</summary>
    public byte[]? Id { get; init; }

    /// <summary><c>file:/path</c>, <c>env:NAME</c>, or null when <see cref="PinValue"/> is given.</summary>
    public string? PinSource { get; init; }

    public string? PinValue { get; init; }

    public static bool IsPkcs11(string? reference) => reference is not null && reference.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/> naming what is wrong and how to write it.</summary>
    public static Pkcs11Uri Parse(string text)
    {
        if (!IsPkcs11(text))
        {
            throw new FormatException($"'{Redact(text)}' is not a PKCS#11 URI: it must start with '{Scheme}' (RFC 7512)");
        }

        var body = text[Scheme.Length..];
        var question = body.IndexOf('?');
        var path = question < 0 ? body : body[..question];
        var query = question < 0 ? "" : body[(question + 1)..];
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        Split(path, ';', attributes, "path", text);
        Split(query, '&', attributes, "query", text);

        string? Take(string name) => attributes.Remove(name, out var value) ? Decode(value, name, text) : null;

        var module = Take("module-path");
        var token = Take("token");
        var slot = Take("slot-id");
        var label = Take("object");
        var id = attributes.Remove("id", out var rawId) ? DecodeBytes(rawId, text) : null;
        var pinSource = Take("pin-source");
        var pinValue = Take("pin-value");
        attributes.Remove("type"); // "private" is what we use either way
        if (attributes.Count > 0)
        {
            throw new FormatException($"the PKCS#11 URI '{Redact(text)}' has attributes Naqil does not read: {string.Join(", ", attributes.Keys)}; use token or slot-id, object or id, module-path, and pin-source or pin-value");
        }

        if (string.IsNullOrEmpty(module))
        {
            throw new FormatException($"the PKCS#11 URI '{Redact(text)}' has no module-path; add ?module-path=/path/to/the/module.so (SoftHSM2: /usr/lib/softhsm/libsofthsm2.so)");
        }

        if (token is null && slot is null)
        {
            throw new FormatException($"the PKCS#11 URI '{Redact(text)}' names no token; add token=<the token's label> or slot-id=<n>");
        }

        ulong? slotId = null;
        if (slot is not null)
        {
            slotId = ulong.TryParse(slot, out var parsed) ? parsed : throw new FormatException($"the PKCS#11 URI '{Redact(text)}' has slot-id '{slot}', which is not a number");
        }

        if (label is null && id is null)
        {
            throw new FormatException($"the PKCS#11 URI '{Redact(text)}' names no key; add object=<the key's label> or id=<its CKA_ID>");
        }

        if ((pinSource is null) == (pinValue is null))
        {
            throw new FormatException($"the PKCS#11 URI '{Redact(text)}' must give the user PIN exactly one way: pin-source=file:/path, pin-source=env:NAME, or pin-value=...");
        }

        if (pinSource is not null && !pinSource.StartsWith("file:", StringComparison.Ordinal) && !pinSource.StartsWith("env:", StringComparison.Ordinal))
        {
            throw new FormatException($"the PKCS#11 URI '{Redact(text)}' has pin-source '{pinSource}'; write pin-source=file:/path/to/pin or pin-source=env:VARIABLE");
        }

        return new Pkcs11Uri { ModulePath = module, Token = token, SlotId = slotId, Object = label, Id = id, PinSource = pinSource, PinValue = pinValue };
    }

    /// <summary>The user PIN, read now from where <see cref="PinSource"/> says (so a rotated PIN file is seen on reconnect).</summary>
    public string ReadPin()
    {
        if (PinValue is not null)
        {
            return PinValue;
        }

        if (PinSource!.StartsWith("env:", StringComparison.Ordinal))
        {
            var name = PinSource[4..];
            return Environment.GetEnvironmentVariable(name) is { Length: > 0 } pin
                ? pin
                : throw new InvalidOperationException($"the PIN for the PKCS#11 key {this} is to come from the environment variable {name}, which is not set");
        }

        var file = PinSource[5..];
        try
        {
            using var reader = new StreamReader(file);
            return reader.ReadLine()?.Trim() is { Length: > 0 } line ? line : throw new InvalidOperationException($"the PIN file {file} is empty");
        }
        catch (IOException e)
        {
            throw new InvalidOperationException($"the PIN file {file} of the PKCS#11 key {this} cannot be read: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new InvalidOperationException($"the PIN file {file} of the PKCS#11 key {this} cannot be read: {e.Message}", e);
        }
    }

    /// <summary>The URI with the same token and module, for another key.</summary>
    public Pkcs11Uri ForObject(string label) => this with { Object = label, Id = null };

    /// <summary>The URI as configured, but never with the PIN's value.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder(Scheme);
        var path = new List<string>();
        if (Token is not null)
        {
            path.Add("token=" + Uri.EscapeDataString(Token));
        }

        if (SlotId is { } slot)
        {
            path.Add("slot-id=" + slot);
        }

        if (Object is not null)
        {
            path.Add("object=" + Uri.EscapeDataString(Object));
        }

        if (Id is not null)
        {
            path.Add("id=" + string.Concat(Id.Select(b => "%" + b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))));
        }

        builder.AppendJoin(';', path).Append("?module-path=").Append(Uri.EscapeDataString(ModulePath));
        builder.Append(PinValue is not null ? "&pin-value=[redacted]" : "&pin-source=" + Uri.EscapeDataString(PinSource!));
        return builder.ToString();
    }

    /// <summary>The URI with its scheme and attribute names but no <c>pin-value</c>, for error messages.</summary>
    public static string Redact(string text)
    {
        var at = text.IndexOf("pin-value=", StringComparison.Ordinal);
        if (at < 0)
        {
            return text;
        }

        var end = text.IndexOfAny([';', '&'], at);
        return text[..(at + "pin-value=".Length)] + "[redacted]" + (end < 0 ? "" : text[end..]);
    }

    private static void Split(string part, char separator, Dictionary<string, string> into, string where, string text)
    {
        foreach (var attribute in part.Split(separator, StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = attribute.IndexOf('=');
            if (equals <= 0)
            {
                throw new FormatException($"the PKCS#11 URI '{Redact(text)}' has '{Redact(attribute)}' in its {where}, which is not name=value");
            }

            if (!into.TryAdd(attribute[..equals], attribute[(equals + 1)..]))
            {
                throw new FormatException($"the PKCS#11 URI '{Redact(text)}' gives {attribute[..equals]} twice");
            }
        }
    }

    private static string Decode(string value, string name, string text)
    {
        try
        {
            return Encoding.UTF8.GetString(DecodeBytes(value, text));
        }
        catch (ArgumentException)
        {
            throw new FormatException($"the PKCS#11 URI '{Redact(text)}' has a {name} that is not UTF-8 once percent-decoded");
        }
    }

    private static byte[] DecodeBytes(string value, string text)
    {
        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '%')
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
                continue;
            }

            if (i + 2 >= value.Length || !byte.TryParse(value.AsSpan(i + 1, 2), System.Globalization.NumberStyles.HexNumber, null, out var b))
            {
                throw new FormatException($"the PKCS#11 URI '{Redact(text)}' has a '%' not followed by two hex digits");
            }

            bytes.Add(b);
            i += 2;
        }

        return [.. bytes];
    }
}

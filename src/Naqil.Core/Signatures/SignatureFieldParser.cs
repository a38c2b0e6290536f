using System.Diagnostics.CodeAnalysis;

namespace Naqil.Signatures;

/// <summary>Reads one labelled signature out of the <c>Signature-Input</c> and <c>Signature</c> fields (RFC 9421 §4).</summary>
internal static class SignatureFieldParser
{
    /// <summary>Longer fields are refused before parsing: Naqil's own are a few hundred bytes.</summary>
    public const int MaxFieldLength = 8 * 1024;

    public static bool TryParse(string? signatureInput, string? signature, string label, [NotNullWhen(true)] out ParsedSignature? parsed, out SignatureFailure failure, out string detail)
    {
        parsed = null;
        if (signatureInput is null || signature is null)
        {
            return Fail(SignatureFailure.Missing, signatureInput is null ? "the message has no Signature-Input field" : "the message has no Signature field", out failure, out detail);
        }

        if (signatureInput.Length > MaxFieldLength || signature.Length > MaxFieldLength)
        {
            return Fail(SignatureFailure.Malformed, $"the Signature-Input or Signature field is longer than {MaxFieldLength} characters", out failure, out detail);
        }

        if (!StructuredFieldReader.TryFindDictionaryMember(signatureInput, label, out int inputStart, out int inputEnd, out int errorAt))
        {
            return Fail(SignatureFailure.Malformed, $"the Signature-Input field is not a valid structured dictionary (error at character {errorAt})", out failure, out detail);
        }

        if (!StructuredFieldReader.TryFindDictionaryMember(signature, label, out int signatureStart, out int signatureEnd, out errorAt))
        {
            return Fail(SignatureFailure.Malformed, $"the Signature field is not a valid structured dictionary (error at character {errorAt})", out failure, out detail);
        }

        if (inputStart < 0 || signatureStart < 0)
        {
            return Fail(SignatureFailure.Missing, $"the {(inputStart < 0 ? "Signature-Input" : "Signature")} field has no signature labelled \"{label}\"", out failure, out detail);
        }

        if (!TryReadSignatureValue(signature, signatureStart, signatureEnd, label, out byte[]? signatureBytes, out detail))
        {
            failure = SignatureFailure.Malformed;
            return false;
        }

        if (!TryReadParameters(signatureInput, inputStart, inputEnd, label, out SignatureParameters? parameters, out detail))
        {
            failure = SignatureFailure.Malformed;
            return false;
        }

        parsed = new ParsedSignature(label, parameters, signatureBytes);
        failure = SignatureFailure.None;
        detail = string.Empty;
        return true;
    }

    private static bool TryReadSignatureValue(string field, int start, int end, string label, [NotNullWhen(true)] out byte[]? bytes, out string detail)
    {
        bytes = null;
        var reader = new StructuredFieldReader(field, start, end);
        if (!reader.TryReadBareItem(out StructuredItem item) || item.Kind != StructuredItemKind.ByteSequence)
        {
            detail = $"the Signature value labelled \"{label}\" is not a byte sequence";
            return false;
        }

        // Decoded length is at most 3/4 of the text; the field cap keeps this small.
        var buffer = new byte[(item.Length / 4 * 3) + 3];
        if (!Convert.TryFromBase64Chars(reader.Slice(item.Start, item.Length), buffer, out int written))
        {
            detail = $"the Signature value labelled \"{label}\" is not valid base64";
            return false;
        }

        bytes = buffer.AsSpan(0, written).ToArray();
        detail = string.Empty;
        return true;
    }

    private static bool TryReadParameters(string field, int start, int end, string label, [NotNullWhen(true)] out SignatureParameters? parameters, out string detail)
    {
        parameters = null;
        var reader = new StructuredFieldReader(field, start, end);
        if (!reader.TryConsume('('))
        {
            detail = $"the Signature-Input value labelled \"{label}\" is not an inner list";
            return false;
        }

        var components = new List<ComponentId>(12);
        while (true)
        {
            reader.SkipSpaces();
            if (reader.TryConsume(')'))
            {
                break;
            }

            if (!reader.TryReadBareItem(out StructuredItem item) || item.Kind != StructuredItemKind.String)
            {
                detail = "a covered component is not a quoted string";
                return false;
            }

            string name = reader.GetString(item);
            bool fromRequest = false;
            while (reader.TryReadParameter(out int keyStart, out int keyLength, out StructuredItem value, out bool malformed) || malformed)
            {
                if (malformed)
                {
                    detail = $"the parameters of the component \"{name}\" are malformed";
                    return false;
                }

                if (!reader.KeyEquals(keyStart, keyLength, "req"))
                {
                    // ;sf, ;key, ;bs, ;tr and ;name change how a value is taken; none is needed by
                    // Naqil, and silently ignoring one would sign a different value than intended.
                    detail = $"the component parameter ;{reader.Slice(keyStart, keyLength)} on \"{name}\" is not supported";
                    return false;
                }

                if (value.Kind != StructuredItemKind.Boolean)
                {
                    detail = $"the ;req parameter on \"{name}\" is not a boolean";
                    return false;
                }

                fromRequest = value.Integer == 1;
            }

            if (ComponentNames.Validate(name) is { } error)
            {
                detail = error;
                return false;
            }

            var component = new ComponentId(name, fromRequest);
            if (components.Contains(component))
            {
                detail = $"the component {component.Serialize()} is covered twice";
                return false;
            }

            components.Add(component);
            char next = reader.Peek();
            if (next != ' ' && next != ')')
            {
                detail = reader.AtEnd ? "the inner list of covered components is not closed" : "covered components must be separated by a space";
                return false;
            }
        }

        long? created = null;
        long? expires = null;
        string? nonce = null;
        string? algorithm = null;
        string? keyId = null;
        string? tag = null;
        while (reader.TryReadParameter(out int keyStart, out int keyLength, out StructuredItem value, out bool malformed) || malformed)
        {
            if (malformed)
            {
                detail = $"the signature parameters labelled \"{label}\" are malformed";
                return false;
            }

            ReadOnlySpan<char> key = reader.Slice(keyStart, keyLength);
            bool ok = key switch
            {
                "created" => TryInteger(value, ref created),
                "expires" => TryInteger(value, ref expires),
                "nonce" => TryString(ref reader, value, ref nonce),
                "alg" => TryString(ref reader, value, ref algorithm),
                "keyid" => TryString(ref reader, value, ref keyId),
                "tag" => TryString(ref reader, value, ref tag),
                _ => true, // RFC 9421 §2.3: unknown parameters are kept (in Raw), not refused.
            };
            if (!ok)
            {
                detail = $"the signature parameter {key} has the wrong type";
                return false;
            }
        }

        if (!reader.AtEnd)
        {
            detail = $"the Signature-Input value labelled \"{label}\" has trailing characters";
            return false;
        }

        parameters = new SignatureParameters
        {
            Components = components,
            Created = created,
            Expires = expires,
            Nonce = nonce,
            Algorithm = algorithm,
            KeyId = keyId,
            Tag = tag,
            Raw = field[start..end],
        };
        detail = string.Empty;
        return true;
    }

    private static bool TryInteger(StructuredItem value, ref long? target)
    {
        if (value.Kind != StructuredItemKind.Integer)
        {
            return false;
        }

        target = value.Integer;
        return true;
    }

    private static bool TryString(ref StructuredFieldReader reader, StructuredItem value, ref string? target)
    {
        if (value.Kind != StructuredItemKind.String)
        {
            return false;
        }

        target = reader.GetString(value);
        return true;
    }

    private static bool Fail(SignatureFailure failure, string detail, out SignatureFailure failureOut, out string detailOut)
    {
        failureOut = failure;
        detailOut = detail;
        return false;
    }
}

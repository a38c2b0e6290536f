namespace Naqil.Signatures;

/// <summary>
/// A small RFC 8941 structured-field reader over a window of a string. It only locates things
/// (positions, not copies), because the Signature-Input member must be kept byte for byte as
/// received and because this runs on every exchange. Every method returns false on malformed input
/// rather than throwing: the input is attacker-controlled.
/// </summary>
internal ref struct StructuredFieldReader
{
    private readonly string _input;
    private readonly int _end;
    private int _position;

    public StructuredFieldReader(string input, int start, int end)
    {
        _input = input;
        _position = start;
        _end = end;
    }

    public readonly bool AtEnd => _position >= _end;

    public readonly char Peek() => _position < _end ? _input[_position] : '\0';

    public bool TryConsume(char c)
    {
        if (_position < _end && _input[_position] == c)
        {
            _position++;
            return true;
        }

        return false;
    }

    public void SkipSpaces()
    {
        while (_position < _end && _input[_position] == ' ')
        {
            _position++;
        }
    }

    /// <summary>OWS of RFC 9110: spaces and horizontal tabs, allowed around dictionary commas.</summary>
    public void SkipOptionalWhitespace()
    {
        while (_position < _end && (_input[_position] == ' ' || _input[_position] == '\t'))
        {
            _position++;
        }
    }

    public readonly ReadOnlySpan<char> Slice(int start, int length) => _input.AsSpan(start, length);

    /// <summary>RFC 8941 §4.2.3.3: <c>( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" )</c>.</summary>
    public bool TryReadKey(out int start, out int length)
    {
        start = _position;
        length = 0;
        if (_position >= _end || !(IsLowerAlpha(_input[_position]) || _input[_position] == '*'))
        {
            return false;
        }

        _position++;
        while (_position < _end && IsKeyChar(_input[_position]))
        {
            _position++;
        }

        length = _position - start;
        return true;
    }

    /// <summary>RFC 8941 §4.2.3.1.</summary>
    public bool TryReadBareItem(out StructuredItem item)
    {
        item = default;
        if (_position >= _end)
        {
            return false;
        }

        char c = _input[_position];
        if (c == '-' || IsDigit(c))
        {
            return TryReadNumber(out item);
        }

        return c switch
        {
            '"' => TryReadString(out item),
            ':' => TryReadByteSequence(out item),
            '?' => TryReadBoolean(out item),
            '@' => TryReadDate(out item),
            _ when IsAlpha(c) || c == '*' => TryReadToken(out item),
            _ => false,
        };
    }

    /// <summary>
    /// Reads one parameter if the next character is ';' (RFC 8941 §4.2.3.2). A key without a value
    /// is boolean true. Returns false with <paramref name="malformed"/> unset when there is none.
    /// </summary>
    public bool TryReadParameter(out int keyStart, out int keyLength, out StructuredItem value, out bool malformed)
    {
        keyStart = 0;
        keyLength = 0;
        value = default;
        malformed = false;
        if (!TryConsume(';'))
        {
            return false;
        }

        SkipSpaces();
        if (!TryReadKey(out keyStart, out keyLength))
        {
            malformed = true;
            return false;
        }

        if (TryConsume('='))
        {
            if (!TryReadBareItem(out value))
            {
                malformed = true;
                return false;
            }
        }
        else
        {
            value = new StructuredItem(StructuredItemKind.Boolean, _position, 0, 1, false);
        }

        return true;
    }

    /// <summary>An item with its parameters or an inner list with its parameters (RFC 8941 §4.2.1.1).</summary>
    public bool TrySkipItemOrInnerList()
    {
        if (TryConsume('('))
        {
            while (true)
            {
                SkipSpaces();
                if (TryConsume(')'))
                {
                    break;
                }

                if (!TryReadBareItem(out _) || !TrySkipParameters())
                {
                    return false;
                }

                char next = Peek();
                if (next != ' ' && next != ')')
                {
                    return false;
                }
            }

            return TrySkipParameters();
        }

        return TryReadBareItem(out _) && TrySkipParameters();
    }

    /// <summary>
    /// Parses <paramref name="field"/> as a whole dictionary (RFC 8941 §4.2.2: any syntax error fails
    /// the field) and locates the value of the last member named <paramref name="key"/>, as a later
    /// member overrides an earlier one. <paramref name="valueStart"/> is -1 when the key is absent;
    /// a member without '=' (boolean true) has an empty value window.
    /// </summary>
    public static bool TryFindDictionaryMember(string field, string key, out int valueStart, out int valueEnd, out int errorPosition)
    {
        var reader = new StructuredFieldReader(field, 0, field.Length);
        bool ok = reader.TryFindDictionaryMember(key, out valueStart, out valueEnd);
        errorPosition = ok ? -1 : reader._position;
        return ok;
    }

    private bool TryFindDictionaryMember(string key, out int valueStart, out int valueEnd)
    {
        valueStart = -1;
        valueEnd = -1;
        SkipSpaces();
        if (AtEnd)
        {
            return true; // an empty dictionary
        }

        while (true)
        {
            if (!TryReadKey(out int keyStart, out int keyLength))
            {
                return false;
            }

            bool match = KeyEquals(keyStart, keyLength, key);
            int start = _position;
            if (TryConsume('='))
            {
                start = _position;
                if (!TrySkipItemOrInnerList())
                {
                    return false;
                }
            }
            else if (!TrySkipParameters())
            {
                return false;
            }

            if (match)
            {
                valueStart = start;
                valueEnd = _position;
            }

            SkipOptionalWhitespace();
            if (AtEnd)
            {
                return true;
            }

            if (!TryConsume(','))
            {
                return false;
            }

            SkipOptionalWhitespace();
            if (AtEnd)
            {
                return false; // a trailing comma
            }
        }
    }

    public readonly string GetString(StructuredItem item)
    {
        if (!item.HasEscapes)
        {
            return ComponentNames.Known(_input.AsSpan(item.Start, item.Length)) ?? _input.Substring(item.Start, item.Length);
        }

        return string.Create(CountUnescaped(item), (_input, item), static (destination, state) =>
        {
            ReadOnlySpan<char> source = state._input.AsSpan(state.item.Start, state.item.Length);
            int written = 0;
            for (int i = 0; i < source.Length; i++)
            {
                if (source[i] == '\\')
                {
                    i++;
                }

                destination[written++] = source[i];
            }
        });
    }

    public readonly bool KeyEquals(int keyStart, int keyLength, string key) =>
        _input.AsSpan(keyStart, keyLength).SequenceEqual(key);

    private bool TrySkipParameters()
    {
        while (true)
        {
            if (!TryReadParameter(out _, out _, out _, out bool malformed))
            {
                return !malformed;
            }
        }
    }

    private readonly int CountUnescaped(StructuredItem item)
    {
        int count = 0;
        ReadOnlySpan<char> source = _input.AsSpan(item.Start, item.Length);
        for (int i = 0; i < source.Length; i++)
        {
            if (source[i] == '\\')
            {
                i++;
            }

            count++;
        }

        return count;
    }

    /// <summary>RFC 8941 §4.2.4: at most 15 integer digits; decimals have at most 12 + 3 digits.</summary>
    private bool TryReadNumber(out StructuredItem item)
    {
        item = default;
        int start = _position;
        bool negative = TryConsume('-');
        if (_position >= _end || !IsDigit(_input[_position]))
        {
            return false;
        }

        long value = 0;
        int digits = 0;
        int dot = -1;
        while (_position < _end)
        {
            char c = _input[_position];
            if (IsDigit(c))
            {
                if (dot < 0)
                {
                    value = (value * 10) + (c - '0');
                }

                digits++;
                _position++;
            }
            else if (c == '.' && dot < 0)
            {
                if (digits > 12)
                {
                    return false;
                }

                dot = digits;
                _position++;
            }
            else
            {
                break;
            }

            if (digits > 15)
            {
                return false;
            }
        }

        if (dot >= 0)
        {
            int fraction = digits - dot;
            if (fraction is < 1 or > 3)
            {
                return false;
            }

            item = new StructuredItem(StructuredItemKind.Decimal, start, _position - start, 0, false);
            return true;
        }

        item = new StructuredItem(StructuredItemKind.Integer, start, _position - start, negative ? -value : value, false);
        return true;
    }

    private bool TryReadString(out StructuredItem item)
    {
        item = default;
        _position++; // opening quote
        int start = _position;
        bool escapes = false;
        while (_position < _end)
        {
            char c = _input[_position];
            if (c == '\\')
            {
                if (_position + 1 >= _end || (_input[_position + 1] != '"' && _input[_position + 1] != '\\'))
                {
                    return false;
                }

                escapes = true;
                _position += 2;
            }
            else if (c == '"')
            {
                item = new StructuredItem(StructuredItemKind.String, start, _position - start, 0, escapes);
                _position++;
                return true;
            }
            else if (c is < ' ' or > '~')
            {
                return false;
            }
            else
            {
                _position++;
            }
        }

        return false; // no closing quote
    }

    private bool TryReadByteSequence(out StructuredItem item)
    {
        item = default;
        _position++; // opening colon
        int start = _position;
        while (_position < _end)
        {
            char c = _input[_position];
            if (c == ':')
            {
                item = new StructuredItem(StructuredItemKind.ByteSequence, start, _position - start, 0, false);
                _position++;
                return true;
            }

            if (!(IsAlpha(c) || IsDigit(c) || c == '+' || c == '/' || c == '='))
            {
                return false;
            }

            _position++;
        }

        return false; // no closing colon
    }

    private bool TryReadBoolean(out StructuredItem item)
    {
        item = default;
        int start = _position;
        _position++;
        if (_position < _end && (_input[_position] == '0' || _input[_position] == '1'))
        {
            item = new StructuredItem(StructuredItemKind.Boolean, start, 2, _input[_position] - '0', false);
            _position++;
            return true;
        }

        return false;
    }

    private bool TryReadDate(out StructuredItem item)
    {
        item = default;
        int start = _position;
        _position++;
        if (!TryReadNumber(out StructuredItem number) || number.Kind != StructuredItemKind.Integer)
        {
            return false;
        }

        item = new StructuredItem(StructuredItemKind.Date, start, _position - start, number.Integer, false);
        return true;
    }

    private bool TryReadToken(out StructuredItem item)
    {
        int start = _position;
        _position++;
        while (_position < _end && IsTokenChar(_input[_position]))
        {
            _position++;
        }

        item = new StructuredItem(StructuredItemKind.Token, start, _position - start, 0, false);
        return true;
    }

    private static bool IsDigit(char c) => c is >= '0' and <= '9';

    private static bool IsLowerAlpha(char c) => c is >= 'a' and <= 'z';

    private static bool IsAlpha(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z');

    private static bool IsKeyChar(char c) => IsLowerAlpha(c) || IsDigit(c) || c is '_' or '-' or '.' or '*';

    /// <summary>tchar of RFC 9110 plus ':' and '/', as RFC 8941 tokens allow.</summary>
    private static bool IsTokenChar(char c) => IsTchar(c) || c is ':' or '/';

    internal static bool IsTchar(char c) =>
        IsAlpha(c) || IsDigit(c) || c is '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}

using System.Globalization;

namespace Naqil.Documents.Pdf;

/// <summary>
/// Reads PDF objects from Latin-1 text (ISO 32000-1 §7.2–7.3): enough to read a catalog, a page,
/// a form and a trailer. Streams are not read. Malformed input throws <see cref="FormatException"/>,
/// and so do arrays and dictionaries nested deeper than <see cref="MaxNesting"/> (a hostile file
/// must not exhaust the stack).
/// </summary>
internal sealed class PdfParser(string text, int position)
{
    public const int MaxNesting = 64;

    private int _depth;

    public int Position { get; private set; } = position;

    public PdfValue ReadValue()
    {
        if (++_depth > MaxNesting)
        {
            throw new FormatException($"Objects are nested more than {MaxNesting} deep at offset {Position}.");
        }

        try
        {
            return ReadValueUnbounded();
        }
        finally
        {
            _depth--;
        }
    }

    private PdfValue ReadValueUnbounded()
    {
        SkipWhitespace();
        if (Position >= text.Length)
        {
            throw new FormatException("The PDF ends inside an object.");
        }

        var c = text[Position];
        if (c == '<' && Peek(1) == '<')
        {
            return ReadDictionary();
        }

        if (c == '<')
        {
            var end = text.IndexOf('>', Position);
            return Scalar(end + 1);
        }

        if (c == '[')
        {
            Position++;
            var items = new List<PdfValue>();
            while (true)
            {
                SkipWhitespace();
                if (Position < text.Length && text[Position] == ']')
                {
                    Position++;
                    return new PdfArray(items);
                }

                items.Add(ReadValue());
            }
        }

        if (c == '(')
        {
            return ReadLiteralString();
        }

        if (c == '/')
        {
            var start = ++Position;
            while (Position < text.Length && !IsDelimiter(text[Position]) && !IsWhitespace(text[Position]))
            {
                Position++;
            }

            return new PdfName(text[start..Position]);
        }

        var token = ReadToken();
        if (IsInteger(token))
        {
            // "n g R" is a reference; look ahead without consuming when it is not.
            var save = Position;
            if (TryReadToken() is { } generation && IsInteger(generation) && TryReadToken() == "R")
            {
                return new PdfReference(int.Parse(token, CultureInfo.InvariantCulture), int.Parse(generation, CultureInfo.InvariantCulture));
            }

            Position = save;
        }

        return new PdfScalar(token);
    }

    public PdfDictionary ReadDictionary()
    {
        SkipWhitespace();
        Expect("<<");
        var dictionary = new PdfDictionary();
        while (true)
        {
            SkipWhitespace();
            if (Peek(0) == '>' && Peek(1) == '>')
            {
                Position += 2;
                return dictionary;
            }

            if (ReadValue() is not PdfName key)
            {
                throw new FormatException($"A dictionary key is not a name at offset {Position}.");
            }

            dictionary[key.Value] = ReadValue();
        }
    }

    /// <summary>The next token that is not an object: a keyword or a number.</summary>
    public string ReadToken() => TryReadToken() ?? throw new FormatException($"Expected a token at offset {Position}.");

    /// <summary>The next token, or null (nothing consumed but whitespace) when a delimiter comes first.</summary>
    private string? TryReadToken()
    {
        SkipWhitespace();
        var start = Position;
        while (Position < text.Length && !IsDelimiter(text[Position]) && !IsWhitespace(text[Position]))
        {
            Position++;
        }

        return start == Position ? null : text[start..Position];
    }

    public void Expect(string keyword)
    {
        SkipWhitespace();
        if (string.CompareOrdinal(text, Position, keyword, 0, keyword.Length) != 0)
        {
            throw new FormatException($"Expected \"{keyword}\" at offset {Position}.");
        }

        Position += keyword.Length;
    }

    public void SkipWhitespace()
    {
        while (Position < text.Length)
        {
            if (IsWhitespace(text[Position]))
            {
                Position++;
            }
            else if (text[Position] == '%')
            {
                while (Position < text.Length && text[Position] is not ('\r' or '\n'))
                {
                    Position++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private PdfScalar ReadLiteralString()
    {
        var start = Position;
        var depth = 0;
        while (Position < text.Length)
        {
            var c = text[Position++];
            if (c == '\\')
            {
                Position++;
            }
            else if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && --depth == 0)
            {
                return new PdfScalar(text[start..Position]);
            }
        }

        throw new FormatException("A string is not closed.");
    }

    private PdfScalar Scalar(int end)
    {
        if (end <= Position)
        {
            throw new FormatException($"A hex string is not closed at offset {Position}.");
        }

        var value = new PdfScalar(text[Position..end]);
        Position = end;
        return value;
    }

    private char Peek(int ahead) => Position + ahead < text.Length ? text[Position + ahead] : '\0';

    private static bool IsInteger(string token) => token.Length > 0 && token.All(char.IsAsciiDigit);

    private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\r' or '\n' or '\f' or '\0';

    private static bool IsDelimiter(char c) => c is '(' or ')' or '<' or '>' or '[' or ']' or '{' or '}' or '/' or '%';
}

namespace Naqil.Signatures;

/// <summary>The kinds of RFC 8941 bare item (plus the RFC 9651 date, so a field using it still parses).</summary>
internal enum StructuredItemKind : byte
{
    Integer,
    Decimal,
    String,
    Token,
    ByteSequence,
    Boolean,
    Date,
}

/// <summary>
/// A bare item located in the input: <see cref="Start"/> and <see cref="Length"/> delimit its content
/// (inside the quotes of a string, inside the colons of a byte sequence), so nothing is copied until
/// a caller asks for the value. <see cref="Integer"/> holds integers, dates and booleans (0 or 1).
/// </summary>
internal readonly record struct StructuredItem(StructuredItemKind Kind, int Start, int Length, long Integer, bool HasEscapes);

using System.Buffers.Text;
using System.Text;
using Naqil.Documents.Pdf;

namespace Naqil.Documents.Validation;

/// <summary>
/// The document id and QR hash a rendered document names in its own bytes: the renderer writes the
/// verification URL (<c>{verifyBase}/documents/{id}?h={hash}</c>) as the <c>/Subject</c> of the PDF's
/// document information dictionary. It is read from the <b>first</b> revision, the one the seal
/// covers, so a later incremental update cannot point a sealed file at another record.
/// </summary>
public sealed record DocumentReference(Guid Id, string Hash)
{
    /// <summary>The reference, or null when the file is no PDF of ours or names none.</summary>
    public static DocumentReference? TryRead(byte[] pdf)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        try
        {
            var file = PdfFile.Read(pdf);
            var first = file.Sections[^1];
            if (first.Trailer["Info"] is not PdfReference info || !first.Entries.TryGetValue(info.Number, out var offset) || offset < 0)
            {
                return null;
            }

            if (file.GetAt(offset, info.Number) is not PdfDictionary dictionary || dictionary["Subject"] is not PdfScalar subject)
            {
                return null;
            }

            return FromUrl(DecodeString(subject.Text));
        }
        catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>The id and hash of a verification URL's last two parts, or null.</summary>
    public static DocumentReference? FromUrl(string? url)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return null;
        }

        var segments = uri.AbsolutePath.Split('/');
        if (segments.Length < 3 || segments[^2] != "documents" || !Guid.TryParseExact(segments[^1], "D", out var id))
        {
            return null;
        }

        var query = uri.Query.TrimStart('?').Split('&').FirstOrDefault(p => p.StartsWith("h=", StringComparison.Ordinal));
        return query is { } h && IsHash(h[2..]) ? new DocumentReference(id, h[2..]) : null;
    }

    /// <summary>Whether <paramref name="hash"/> is the form of a QR hash: base64url, no padding, of 32 bytes.</summary>
    public static bool IsHash(string? hash) =>
        hash is { Length: 43 } && hash.All(c => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_')
        && Base64Url.IsValid(hash, out var length) && length == 32;

    /// <summary>A PDF text string (literal or hex; PDFDocEncoding taken as Latin-1, or UTF-16BE with its BOM) as text.</summary>
    private static string DecodeString(string source)
    {
        var bytes = new List<byte>();
        if (source.StartsWith('<'))
        {
            var hex = new string(source.Trim('<', '>').Where(Uri.IsHexDigit).ToArray());
            bytes.AddRange(Convert.FromHexString(hex.Length % 2 == 0 ? hex : hex + "0"));
        }
        else if (source.StartsWith('(') && source.EndsWith(')'))
        {
            for (var i = 1; i < source.Length - 1; i++)
            {
                var c = source[i];
                if (c != '\\')
                {
                    bytes.Add((byte)c);
                    continue;
                }

                c = source[++i];
                if (c is >= '0' and <= '7')
                {
                    var value = 0;
                    for (var n = 0; n < 3 && i < source.Length - 1 && source[i] is >= '0' and <= '7'; n++, i++)
                    {
                        value = (value * 8) + (source[i] - '0');
                    }

                    i--;
                    bytes.Add((byte)value);
                    continue;
                }

                switch (c)
                {
                    case 'n': bytes.Add((byte)'\n'); break;
                    case 'r': bytes.Add((byte)'\r'); break;
                    case 't': bytes.Add((byte)'\t'); break;
                    case 'b': bytes.Add((byte)'\b'); break;
                    case 'f': bytes.Add((byte)'\f'); break;
                    case '\r' or '\n': break;
                    default: bytes.Add((byte)c); break;
                }
            }
        }
        else
        {
            return "";
        }

        var array = bytes.ToArray();
        return array is [0xFE, 0xFF, ..] ? Encoding.BigEndianUnicode.GetString(array, 2, array.Length - 2) : Encoding.Latin1.GetString(array);
    }
}

using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Naqil.Documents.Rendering;

/// <summary>
/// The canonical text of a document that its QR code's <c>h</c> is the hash of. It is not the PDF:
/// the QR code is drawn inside the PDF, so it cannot carry the PDF's own hash, and the sealed file
/// changes with every incremental update (timestamp, validation data) while what the document
/// says does not. The payload is UTF-8, lines ending in LF (the last one too):
/// <code>
/// naqil-document-v1
/// type: civil-record-extract
/// id: 0b0f…-uuid
/// issued: 2025-06-01T09:30:00Z
/// issuer: SY/GOV/CIVREG
/// national-id.ar: 01010000001
/// national-id.en: 01010000001
/// …one .ar and one .en line per field, in the document's order
/// </code>
/// and <c>h</c> is base64url (no padding) of its SHA-256. A verifier holding the record rebuilds
/// the payload and compares the hash.
/// </summary>
public static class VerificationPayload
{
    public const string Version = "naqil-document-v1";

    /// <summary>The payload's bytes; throws when a key or value could make it ambiguous.</summary>
    public static byte[] Create(ExtractContent content, DocumentInfo info)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(info);
        var text = new StringBuilder();
        text.Append(Version).Append('\n');
        Line(text, "type", content.Type);
        Line(text, "id", info.Id.ToString("D"));
        Line(text, "issued", FormatTime(info.Issued));
        Line(text, "issuer", content.Issuer);
        foreach (var field in content.Fields)
        {
            if (field.Key.Length == 0 || !field.Key.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                throw new ArgumentException($"The field key \"{field.Key}\" is not lower-case a-z, 0-9 and '-'.", nameof(content));
            }

            Line(text, field.Key + ".ar", field.ArabicValue);
            Line(text, field.Key + ".en", field.EnglishValue);
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>base64url (no padding) of the SHA-256 of <paramref name="payload"/>.</summary>
    public static string Hash(ReadOnlySpan<byte> payload) => Base64Url.EncodeToString(SHA256.HashData(payload));

    /// <summary><c>{verifyBase}/documents/{id}?h={hash}</c>, with one slash between base and path.</summary>
    public static Uri VerificationUrl(DocumentInfo info, string hash)
    {
        ArgumentNullException.ThrowIfNull(info);
        var baseText = info.VerifyBase.AbsoluteUri.TrimEnd('/');
        return new Uri($"{baseText}/documents/{info.Id:D}?h={hash}");
    }

    /// <summary>The issue time as printed and hashed: UTC, to the second, ISO 8601.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static void Line(StringBuilder text, string name, string value)
    {
        if (value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The value of {name} has a line break.");
        }

        // Values are hashed exactly as given (no Unicode normalisation): the record is the source.
        text.Append(name).Append(": ").Append(value).Append('\n');
    }
}

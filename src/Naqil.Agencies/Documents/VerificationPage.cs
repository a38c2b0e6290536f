using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Naqil.Agencies.Documents;

/// <summary>The QR code's answer for a browser: one server-rendered page, Arabic first (right to left), then English; no scripts.</summary>
internal static class VerificationPage
{
    // Arabic as itself, not as character references; markup characters are still encoded.
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    public static string Render(Lookup lookup)
    {
        var (arabic, english) = lookup.Result switch
        {
            Lookup.Match => ("هذه الوثيقة صادرة، ورمزها يطابق السجل.", "This document was issued, and its code matches the record."),
            Lookup.Mismatch => ("صدرت وثيقة بهذا الرقم، لكن رمزها لا يطابق السجل: قد تكون الوثيقة معدّلة.", "A document with this id was issued, but this code does not match its record: the document may have been altered."),
            _ => ("لا توجد وثيقة صادرة بهذا الرقم.", "No document with this id was issued."),
        };
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\">\n<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>التحقق من وثيقة / Document verification</title>")
            .Append("<style>body{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em}dt{font-weight:bold}dd{margin:0 0 .5em;overflow-wrap:anywhere}section{margin-bottom:2em}</style></head>\n<body>\n");
        Section(page, "ar", "rtl", "التحقق من وثيقة", arabic, lookup, ["رقم الوثيقة", "النتيجة", "النوع", "الجهة المصدرة", "تاريخ الإصدار", "شهادة الختم"]);
        Section(page, "en", "ltr", "Document verification", english, lookup, ["Document ID", "Result", "Type", "Issuer", "Issued", "Seal certificate"]);
        page.Append("</body>\n</html>\n");
        return page.ToString();
    }

    private static void Section(StringBuilder page, string language, string direction, string title, string verdict, Lookup lookup, string[] labels)
    {
        page.Append("<section lang=\"").Append(language).Append("\" dir=\"").Append(direction).Append("\">\n<h1>").Append(Html.Encode(title)).Append("</h1>\n<p><strong>")
            .Append(Html.Encode(verdict)).Append("</strong></p>\n<dl>\n");
        Row(page, labels[0], lookup.Id.ToString("D"));
        Row(page, labels[1], lookup.Result);
        if (lookup.Type is not null)
        {
            Row(page, labels[2], lookup.Type);
            Row(page, labels[3], lookup.Issuer!);
            Row(page, labels[4], lookup.Issued!.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            Row(page, labels[5], $"{lookup.Seal!.Issuer}, {lookup.Seal.SerialNumber}");
        }

        page.Append("</dl>\n</section>\n");
    }

    private static void Row(StringBuilder page, string label, string value) =>
        page.Append("<dt>").Append(Html.Encode(label)).Append("</dt><dd dir=\"ltr\">").Append(Html.Encode(value)).Append("</dd>\n");
}

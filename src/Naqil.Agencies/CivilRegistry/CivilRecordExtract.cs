using System.Globalization;
using Naqil.Documents.Rendering;

namespace Naqil.Agencies.CivilRegistry;

/// <summary>
/// A person's civil record as a certified extract (إخراج قيد فردي): the lines printed in both
/// parts of the document and hashed into its verification payload.
/// </summary>
public static class CivilRecordExtract
{
    /// <summary>The document type in the verification payload.</summary>
    public const string DocumentType = "civil-record-extract";

    /// <summary>The civil registry's identity on the bus.</summary>
    public const string Issuer = "SY/GOV/CIVREG";

    // The sample registry keeps places in Arabic only; these are their usual English names.
    private static readonly Dictionary<string, string> PlaceNames = new(StringComparer.Ordinal)
    {
        ["دمشق"] = "Damascus", ["حلب"] = "Aleppo", ["حمص"] = "Homs",
        ["اللاذقية"] = "Latakia", ["حماة"] = "Hama", ["طرطوس"] = "Tartus",
    };

    private static readonly Dictionary<string, string> MaritalStatuses = new(StringComparer.Ordinal)
    {
        ["أعزب"] = "Single", ["متزوج"] = "Married", ["أرمل"] = "Widowed", ["مطلق"] = "Divorced",
    };

    public static ExtractContent For(Person person)
    {
        ArgumentNullException.ThrowIfNull(person);
        var birthDate = person.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return new ExtractContent(
            DocumentType,
            Issuer,
            new BilingualText("السجل المدني", "Civil Registry"),
            new BilingualText("إخراج قيد فردي", "Certified extract of an individual civil record"),
            [
                new ExtractField("national-id", "الرقم الوطني", person.NationalId, "National ID", person.NationalId),
                new ExtractField("given-name", "الاسم", person.GivenName, "Given name", person.GivenNameLatin),
                new ExtractField("family-name", "الشهرة", person.FamilyName, "Family name", person.FamilyNameLatin),
                new ExtractField("father-name", "اسم الأب", person.FatherName, "Father's name", person.FatherName),
                new ExtractField("mother-name", "اسم الأم", person.MotherName, "Mother's name", person.MotherName),
                new ExtractField("sex", "الجنس", person.Sex == "F" ? "أنثى" : "ذكر", "Sex", person.Sex == "F" ? "Female" : "Male"),
                new ExtractField("birth-date", "تاريخ الولادة", birthDate, "Date of birth", birthDate),
                new ExtractField("birth-place", "مكان الولادة", person.BirthPlace, "Place of birth", English(PlaceNames, person.BirthPlace)),
                new ExtractField("governorate", "المحافظة", person.Governorate, "Governorate", English(PlaceNames, person.Governorate)),
                new ExtractField("marital-status", "الوضع العائلي", person.MaritalStatus, "Marital status", English(MaritalStatuses, person.MaritalStatus)),
            ]);
    }

    /// <summary>Renders the extract of <paramref name="person"/> (not yet sealed).</summary>
    public static RenderedDocument Render(Person person, DocumentInfo info) => ExtractRenderer.Render(For(person), info);

    private static string English(Dictionary<string, string> names, string arabic) =>
        names.TryGetValue(arabic, out var english) ? english : arabic;
}

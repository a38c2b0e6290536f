namespace Naqil.Agencies.CivilRegistry;

/// <summary>
/// A deterministic set of synthetic persons with Arabic names and 11-digit national ids, the
/// same on every run so examples and tests can name them.
/// </summary>
public static class SyntheticPersons
{
    private static readonly (string Arabic, string Latin, string Sex)[] GivenNames =
    [
        ("أحمد", "Ahmad", "M"), ("فاطمة", "Fatima", "F"), ("محمد", "Mohammad", "M"), ("مريم", "Maryam", "F"),
        ("خالد", "Khaled", "M"), ("نور", "Nour", "F"), ("عمر", "Omar", "M"), ("ليلى", "Layla", "F"),
        ("يوسف", "Yousef", "M"), ("سلمى", "Salma", "F"), ("سامر", "Samer", "M"), ("رنا", "Rana", "F"),
    ];

    private static readonly (string Arabic, string Latin)[] FamilyNames =
    [
        ("الحلبي", "Al-Halabi"), ("الشامي", "Al-Shami"), ("العلي", "Al-Ali"), ("الخطيب", "Al-Khatib"),
        ("الحمصي", "Al-Homsi"), ("السيد", "Al-Sayed"), ("النجار", "Al-Najjar"),
    ];

    private static readonly string[] FatherNames = ["حسن", "علي", "إبراهيم", "مصطفى", "عبد الله"];

    private static readonly string[] MotherNames = ["هدى", "سعاد", "زينب", "آمنة", "خديجة"];

    private static readonly (string Place, string Governorate)[] Places =
    [
        ("دمشق", "دمشق"), ("حلب", "حلب"), ("حمص", "حمص"), ("اللاذقية", "اللاذقية"), ("حماة", "حماة"), ("طرطوس", "طرطوس"),
    ];

    private static readonly string[] MaritalStatuses = ["أعزب", "متزوج", "متزوج", "أرمل"];

    /// <summary>The first person, handy for examples: national id 01010000001.</summary>
    public const string ExampleNationalId = "01010000001";

    public static IReadOnlyList<Person> All { get; } = Create(60);

    private static Person[] Create(int count)
    {
        var persons = new Person[count];
        for (var i = 0; i < count; i++)
        {
            var given = GivenNames[i % GivenNames.Length];
            var family = FamilyNames[i * 5 % FamilyNames.Length];
            var place = Places[i * 7 % Places.Length];
            persons[i] = new Person(
                NationalId: $"0101{i + 1:D7}",
                GivenName: given.Arabic,
                FatherName: FatherNames[i * 3 % FatherNames.Length],
                FamilyName: family.Arabic,
                MotherName: MotherNames[i * 11 % MotherNames.Length],
                GivenNameLatin: given.Latin,
                FamilyNameLatin: family.Latin,
                Sex: given.Sex,
                BirthDate: new DateOnly(1950 + (i * 13 % 55), 1 + (i * 5 % 12), 1 + (i * 17 % 28)),
                BirthPlace: place.Place,
                Governorate: place.Governorate,
                MaritalStatus: MaritalStatuses[i % MaritalStatuses.Length]);
        }

        return persons;
    }
}

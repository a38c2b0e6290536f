namespace Naqil.Agencies.CivilRegistry;

/// <summary>A synthetic person in the sample civil registry. No real person is described.</summary>
public sealed record Person(
    string NationalId,
    string GivenName,
    string FatherName,
    string FamilyName,
    string MotherName,
    string GivenNameLatin,
    string FamilyNameLatin,
    string Sex,
    DateOnly BirthDate,
    string BirthPlace,
    string Governorate,
    string MaritalStatus);

/// <summary>What <c>POST /persons/search</c> accepts; every given criterion must match.</summary>
public sealed record PersonSearch(string? NationalId, string? FamilyName, string? GivenName, int? BirthYear, int? Limit);

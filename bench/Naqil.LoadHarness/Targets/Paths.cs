namespace Naqil.LoadHarness.Targets;

/// <summary>The exchanges every target carries, and the headers every request sends.</summary>
internal static class Paths
{
    public const string Person = "01010000001";
    public const string Service = "SY/GOV/CIVREG/registry/persons";
    public const string Client = "SY/GOV/MOCT/portal";
    public const string DirectGet = "/persons/" + Person + "/record";
    public const string DirectPost = "/echo";
    public const string NaqilGet = "/r1/" + Service + "/persons/" + Person + "/record";
    public const string NaqilPost = "/r1/" + Service + "/echo";

    /// <summary>Sent to every target alike, so the request bytes differ only in the path.</summary>
    public static readonly IReadOnlyList<(string Name, string Value)> Headers =
    [
        ("Naqil-Client", Client),
        ("Naqil-Purpose", "application-processing"),
        ("Naqil-Subject", "SY-NID:" + Person),
    ];
}

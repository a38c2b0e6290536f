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

    /// <summary>The events' topic, published by the consumer side's client, <see cref="Client"/>.</summary>
    public const string Topic = Client + "/notices";

    /// <summary>The topic's one subscriber: the provider side's subsystem, whose gateway posts each event to the backend's <see cref="BackendEvents"/>.</summary>
    public const string Subscriber = "SY/GOV/CIVREG/registry";

    /// <summary>Where a publisher posts an event, on its own (the consumer side's) gateway.</summary>
    public const string Publish = "/e1/" + Topic;

    public const string BackendEvents = "/events";

    /// <summary>Sent to every target alike, so the request bytes differ only in the path.</summary>
    public static readonly IReadOnlyList<(string Name, string Value)> Headers =
    [
        ("Naqil-Client", Client),
        ("Naqil-Purpose", "application-processing"),
        ("Naqil-Subject", "SY-NID:" + Person),
    ];
}

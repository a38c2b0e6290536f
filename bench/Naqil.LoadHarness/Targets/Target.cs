using Naqil.LoadHarness.Processes;

namespace Naqil.LoadHarness.Targets;

/// <summary>
/// One way of reaching the backend that the harness measures: its entry URL, the paths of the GET
/// and POST exchanges, and the processes it runs (whose CPU time is charged to it).
/// </summary>
internal sealed record Target
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    /// <summary>Where the load generator connects, <c>http://127.0.0.1:PORT</c>.</summary>
    public required string BaseUrl { get; init; }

    public required string GetPath { get; init; }

    public required string PostPath { get; init; }

    /// <summary>The processes on the path, by role (backend, gateways, proxies), measured per exchange.</summary>
    public required IReadOnlyList<MeasuredProcess> Processes { get; init; }

    /// <summary>Every listening face of a Naqil target, for the hostile-input corpus; null for the others.</summary>
    public NaqilFaces? Faces { get; init; }

    /// <summary>The registry, gateways and log database of a Naqil target, for the fault phase; null for the others.</summary>
    public NaqilDeployment? Deployment { get; init; }

    public string Url(string path) => BaseUrl + path;
}

/// <summary>Where a Naqil target listens, and the consumer gateway's TLS identity (to speak to the provider face as a real peer would).</summary>
internal sealed record NaqilFaces(string ConsumerUrl, string ProviderUrl, string RegistryUrl, string RegistryAdminToken, string ConsumerTlsCertificate, string ConsumerTlsKey);

/// <summary>A process on a target's path by its role (<c>backend</c>, <c>consumer-gw</c>, <c>nginx-front</c>…); gateways are held to the memory budget.</summary>
internal sealed record MeasuredProcess(string Role, ChildProcess Process, bool IsGateway);

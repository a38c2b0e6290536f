namespace Naqil.Cli.Sandbox;

/// <summary>What the sandbox runs: instances, their members, gateways, services and sample backends.</summary>
internal sealed record SandboxPlan(IReadOnlyList<InstancePlan> Instances)
{
    public const string ExamplePerson = "01010000001";

    /// <summary>
    /// The SY instance: the Ministry of Communications' portal calls the civil registry's persons
    /// service through the two members' gateways. Ports are offsets from the port base.
    /// </summary>
    public static SandboxPlan Default { get; } = new(
    [
        new InstancePlan("SY", RegistryPort: 0,
            Members:
            [
                new MemberPlan("SY/GOV/MOCT", "Ministry of Communications and Technology / وزارة الاتصالات والتقانة", ["portal"]),
                new MemberPlan("SY/GOV/CIVREG", "Civil Registry / السجل المدني", ["registry"]),
            ],
            Gateways:
            [
                new GatewayPlan("SY/GOV/MOCT", ConsumerPort: 10, ProviderPort: 11, Clients: ["SY/GOV/MOCT/portal"], Services: []),
                new GatewayPlan("SY/GOV/CIVREG", ConsumerPort: 20, ProviderPort: 21, Clients: [],
                    Services: [new ServicePlan("SY/GOV/CIVREG/registry/persons", PersonalData: true, Backend: "civil-registry", AllowedClients: ["SY/GOV/MOCT/portal"],
                        Description: "Persons in the civil registry: GET /persons/{nationalId}, POST /persons/search")]),
            ],
            Backends: [new BackendPlan("civil-registry", Port: 1)]),
    ]);
}

internal sealed record InstancePlan(string Code, int RegistryPort, IReadOnlyList<MemberPlan> Members, IReadOnlyList<GatewayPlan> Gateways, IReadOnlyList<BackendPlan> Backends);

internal sealed record MemberPlan(string Id, string Name, IReadOnlyList<string> Subsystems);

internal sealed record GatewayPlan(string Member, int ConsumerPort, int ProviderPort, IReadOnlyList<string> Clients, IReadOnlyList<ServicePlan> Services);

internal sealed record ServicePlan(string Id, bool PersonalData, string Backend, IReadOnlyList<string> AllowedClients, string Description);

internal sealed record BackendPlan(string Name, int Port);

using Naqil.Agencies.Postal;
using Naqil.Agencies.Postal.Apis;

namespace Naqil.Cli.Sandbox;

/// <summary>What the sandbox runs: instances, their members, gateways, services, sample backends and federations.</summary>
internal sealed record SandboxPlan(IReadOnlyList<InstancePlan> Instances, IReadOnlyList<(string A, string B)> Federations, IReadOnlyList<ExamplePlan> Examples)
{
    public const string ExamplePerson = "01010000001";

    /// <summary>
    /// SY and IQ, federated. In SY the Ministry of Communications' portal reads the civil registry;
    /// across the border Syria's post asks Iraq's post about an EMS item it sent. Ports are offsets
    /// from the port base.
    /// </summary>
    public static SandboxPlan Default { get; } = new(
    [
        new InstancePlan("SY", RegistryPort: 0,
            Members:
            [
                new MemberPlan("SY/GOV/MOCT", "Ministry of Communications and Technology / وزارة الاتصالات والتقانة", ["portal"]),
                new MemberPlan("SY/GOV/CIVREG", "Civil Registry / السجل المدني", ["registry"]),
                new MemberPlan("SY/GOV/POST", "Syrian Post / المؤسسة السورية للبريد", ["ems"]),
            ],
            Gateways:
            [
                new GatewayPlan("SY/GOV/MOCT", ConsumerPort: 10, ProviderPort: 11, Clients: ["SY/GOV/MOCT/portal"], Services: []),
                new GatewayPlan("SY/GOV/CIVREG", ConsumerPort: 20, ProviderPort: 21, Clients: [],
                    Services: [new ServicePlan("SY/GOV/CIVREG/registry/persons", PersonalData: true, Backend: "civil-registry", AllowedClients: ["SY/GOV/MOCT/portal"],
                        Description: "Persons in the civil registry: GET /persons/{nationalId}, POST /persons/search")]),
                new GatewayPlan("SY/GOV/POST", ConsumerPort: 30, ProviderPort: 31, Clients: ["SY/GOV/POST/ems"],
                    Services: [new ServicePlan("SY/GOV/POST/ems/items", PersonalData: false, Backend: "sy-post-ems", AllowedClients: ["IQ/GOV/POST/ems"],
                        Description: "Syrian Post's EMS items: GET /items/{itemId}, GET /items?office=&status=, POST /items, POST /items/{itemId}/events",
                        OpenApi: PostalOpenApi.Document(Posts.Syria))],
                    AllowedPartners: ["IQ"]),
            ],
            Backends: [new BackendPlan("civil-registry", Port: 1), new BackendPlan("sy-post-ems", Port: 2)]),
        new InstancePlan("IQ", RegistryPort: 50,
            Members: [new MemberPlan("IQ/GOV/POST", "Iraqi Post / البريد العراقي", ["ems"])],
            Gateways:
            [
                new GatewayPlan("IQ/GOV/POST", ConsumerPort: 60, ProviderPort: 61, Clients: ["IQ/GOV/POST/ems"],
                    Services: [new ServicePlan("IQ/GOV/POST/ems/items", PersonalData: false, Backend: "iq-post-ems", AllowedClients: ["SY/GOV/POST/ems"],
                        Description: "Iraqi Post's EMS items, those received from partner posts among them: GET /items/{itemId}, GET /items?office=&status=, POST /items, POST /items/{itemId}/events",
                        OpenApi: PostalOpenApi.Document(Posts.Iraq))],
                    AllowedPartners: ["SY"]),
            ],
            Backends: [new BackendPlan("iq-post-ems", Port: 51)]),
    ],
    [("SY", "IQ")],
    [
        new ExamplePlan("person", "A person from the civil registry, through both gateways, signed", "SY/GOV/MOCT/portal", "SY/GOV/CIVREG/registry/persons", $"/persons/{ExamplePerson}",
            $"-H 'Naqil-Purpose: application-processing' -H 'Naqil-Subject: SY-NID:{ExamplePerson}' "),
        new ExamplePlan("cross-border-ems-item", "Across the border: Syria's post asks Iraq's post about an EMS item, through the SY and IQ gateways", "SY/GOV/POST/ems", "IQ/GOV/POST/ems/items",
            $"/items/{SyntheticItems.ExampleItemId}", ""),
    ]);
}

internal sealed record InstancePlan(string Code, int RegistryPort, IReadOnlyList<MemberPlan> Members, IReadOnlyList<GatewayPlan> Gateways, IReadOnlyList<BackendPlan> Backends);

internal sealed record MemberPlan(string Id, string Name, IReadOnlyList<string> Subsystems);

internal sealed record GatewayPlan(string Member, int ConsumerPort, int ProviderPort, IReadOnlyList<string> Clients, IReadOnlyList<ServicePlan> Services, IReadOnlyList<string>? AllowedPartners = null);

internal sealed record ServicePlan(string Id, bool PersonalData, string Backend, IReadOnlyList<string> AllowedClients, string Description, string? OpenApi = null);

internal sealed record BackendPlan(string Name, int Port);

/// <summary>A ready call, named as <c>sandbox.json</c> lists it: which client asks which service for what.</summary>
internal sealed record ExamplePlan(string Name, string Description, string Client, string Service, string Path, string ExtraHeaders);

using Naqil.Agencies.Payments.Apis;
using Naqil.Agencies.Postal;
using Naqil.Agencies.Postal.Apis;
using Naqil.Agencies.Regulator;

namespace Naqil.Cli.Sandbox;

/// <summary>What the sandbox runs: instances, their members, gateways, services, sample backends and federations.</summary>
internal sealed record SandboxPlan(IReadOnlyList<InstancePlan> Instances, IReadOnlyList<(string A, string B)> Federations, IReadOnlyList<ExamplePlan> Examples)
{
    public const string ExamplePerson = "01010000001";

    /// <summary>
    /// SY and IQ, federated. In SY the Ministry of Communications' portal reads the civil registry;
    /// across the border Syria's post asks Iraq's post about an EMS item it sent, and the two posts
    /// carry each other their items' events (EMC from the origin, EMD..EMI from the destination) as
    /// signed events on topics each publishes and the other subscribes to. Ports are offsets from
    /// the port base.
    /// </summary>
    public static SandboxPlan Default { get; } = new(
    [
        new InstancePlan("SY", RegistryPort: 0,
            Members:
            [
                new MemberPlan("SY/GOV/MOCT", "Ministry of Communications and Technology / وزارة الاتصالات والتقانة", ["portal"]),
                new MemberPlan("SY/GOV/CIVREG", "Civil Registry / السجل المدني", ["registry"]),
                new MemberPlan("SY/GOV/POST", "Syrian Post / المؤسسة السورية للبريد", ["ems"]),
                new MemberPlan(Regulators.Syria.Member, Regulators.Syria.Name, ["registers", "settlement", "staff"]),
                .. Regulators.Syria.Operators.Select(o => new MemberPlan(o.Member, o.Name, ["np"])),
                new MemberPlan("SY/GOV/CBS", "Central Bank of Syria / مصرف سورية المركزي", ["payments"]),
            ],
            Gateways:
            [
                new GatewayPlan("SY/GOV/MOCT", ConsumerPort: 10, ProviderPort: 11, Clients: ["SY/GOV/MOCT/portal"], Services: []),
                new GatewayPlan("SY/GOV/CIVREG", ConsumerPort: 20, ProviderPort: 21, Clients: [SandboxPayments.RegistryClient],
                    Subscriptions: [new SubscriptionPlan(SandboxPayments.Topic, SandboxPayments.RegistryClient, Backend: "civil-registry", Path: "/events/payments")],
                    Services:
                    [
                        new ServicePlan("SY/GOV/CIVREG/registry/persons", PersonalData: true, Backend: "civil-registry", AllowedClients: ["SY/GOV/MOCT/portal"],
                            Description: "Persons in the civil registry: GET /persons/{nationalId}, POST /persons/search"),
                        new ServicePlan("SY/GOV/CIVREG/registry/extracts", PersonalData: true, Backend: "civil-registry", AllowedClients: ["SY/GOV/MOCT/portal"],
                            Description: "Certified extracts of a person's civil record, sealed PDF (PAdES B-LT): POST /extracts {\"nationalId\"}"),
                    ]),
                new GatewayPlan("SY/GOV/POST", ConsumerPort: 30, ProviderPort: 31, Clients: ["SY/GOV/POST/ems"],
                    Services: [new ServicePlan("SY/GOV/POST/ems/items", PersonalData: false, Backend: "sy-post-ems", AllowedClients: ["IQ/GOV/POST/ems", "SY/GOV/MOCT/portal"],
                        Description: "Syrian Post's EMS items: GET /items/{itemId}, GET /items?office=&status=, POST /items, POST /items/{itemId}/events",
                        OpenApi: PostalOpenApi.Document(Posts.Syria))],
                    AllowedPartners: ["IQ"],
                    Topics: [new TopicPlan("SY/GOV/POST/ems/item-events", "Syrian Post's EMS item events for partner posts: EMC of items bound abroad, EMD..EMI of items from abroad", Subscribers: ["IQ/GOV/POST/ems"])],
                    Subscriptions: [new SubscriptionPlan("IQ/GOV/POST/ems/item-events", "SY/GOV/POST/ems", Backend: "sy-post-ems", Path: "/events/ems")]),
                new GatewayPlan("SY/GOV/CBS", ConsumerPort: 40, ProviderPort: 41, Clients: [SandboxPayments.Publisher],
                    Topics: [new TopicPlan(SandboxPayments.Topic, "The Central Bank's captured payments, each with its receipt, for the payees", Subscribers: [SandboxPayments.RegistryClient])],
                    Services: [new ServicePlan(SandboxPayments.Service, PersonalData: true, Backend: "payments", AllowedClients: ["SY/GOV/MOCT/portal", SandboxPayments.RegistryClient],
                        Description: "The Central Bank's payment intents, receipts and refunds (docs/payments.md): POST /intents, /intents/{id}/authorise, /capture, /cancel, /refunds; GET /intents/{id}, /intents/{id}/receipt",
                        OpenApi: PaymentsOpenApi.Document())]),
                .. RegulatorGateways.Syria,
            ],
            Backends: [new BackendPlan("civil-registry", Port: 1, Gateway: "SY/GOV/CIVREG"), new BackendPlan("sy-post-ems", Port: 2, Gateway: "SY/GOV/POST"), new BackendPlan("payments", Port: 3, Gateway: "SY/GOV/CBS"), new BackendPlan("sy-regulator", Port: 4, Gateway: "SY/GOV/SYTPRA")]),
        new InstancePlan("IQ", RegistryPort: 50,
            Members: [new MemberPlan("IQ/GOV/POST", "Iraqi Post / البريد العراقي", ["ems"]), new MemberPlan(Regulators.Iraq.Member, Regulators.Iraq.Name, ["registers", "settlement", "staff"])],
            Gateways:
            [
                new GatewayPlan("IQ/GOV/POST", ConsumerPort: 60, ProviderPort: 61, Clients: ["IQ/GOV/POST/ems"],
                    Services: [new ServicePlan("IQ/GOV/POST/ems/items", PersonalData: false, Backend: "iq-post-ems", AllowedClients: ["SY/GOV/POST/ems"],
                        Description: "Iraqi Post's EMS items, those received from partner posts among them: GET /items/{itemId}, GET /items?office=&status=, POST /items, POST /items/{itemId}/events",
                        OpenApi: PostalOpenApi.Document(Posts.Iraq))],
                    AllowedPartners: ["SY"],
                    Topics: [new TopicPlan("IQ/GOV/POST/ems/item-events", "Iraqi Post's EMS item events for partner posts: EMC of items bound abroad, EMD..EMI of items from abroad", Subscribers: ["SY/GOV/POST/ems"])],
                    Subscriptions: [new SubscriptionPlan("SY/GOV/POST/ems/item-events", "IQ/GOV/POST/ems", Backend: "iq-post-ems", Path: "/events/ems")]),
                RegulatorGateways.Iraq,
            ],
            Backends: [new BackendPlan("iq-post-ems", Port: 51, Gateway: "IQ/GOV/POST"), new BackendPlan("iq-regulator", Port: 52, Gateway: "IQ/GOV/CMC")]),
    ],
    [("SY", "IQ")],
    [
        new ExamplePlan("person", "A person from the civil registry, through both gateways, signed", "SY/GOV/MOCT/portal", "SY/GOV/CIVREG/registry/persons", $"/persons/{ExamplePerson}",
            $"-H 'Naqil-Purpose: application-processing' -H 'Naqil-Subject: SY-NID:{ExamplePerson}' "),
        new ExamplePlan("cross-border-ems-item", "Across the border: Syria's post asks Iraq's post about an EMS item, through the SY and IQ gateways", "SY/GOV/POST/ems", "IQ/GOV/POST/ems/items",
            $"/items/{SyntheticItems.ExampleItemId}", ""),
        new ExamplePlan("cross-border-tracking", "An EMS item posted in Damascus and delivered in Baghdad: its whole history at Syria's post, Baghdad's events carried from Iraq's post as signed events", "SY/GOV/MOCT/portal", "SY/GOV/POST/ems/items",
            $"/items/{SyntheticItems.ExampleItemId}", ""),
    ]);
}

internal sealed record InstancePlan(string Code, int RegistryPort, IReadOnlyList<MemberPlan> Members, IReadOnlyList<GatewayPlan> Gateways, IReadOnlyList<BackendPlan> Backends);

internal sealed record MemberPlan(string Id, string Name, IReadOnlyList<string> Subsystems);

internal sealed record GatewayPlan(string Member, int ConsumerPort, int ProviderPort, IReadOnlyList<string> Clients, IReadOnlyList<ServicePlan> Services, IReadOnlyList<string>? AllowedPartners = null,
    IReadOnlyList<TopicPlan>? Topics = null, IReadOnlyList<SubscriptionPlan>? Subscriptions = null);

/// <summary>A topic the gateway's member publishes, and the subscribers its registry lists and its gateway's access rules allow.</summary>
internal sealed record TopicPlan(string Id, string Description, IReadOnlyList<string> Subscribers);

/// <summary>A subscription the gateway receives for one of its member's subsystems, and where on which backend it posts the events.</summary>
internal sealed record SubscriptionPlan(string Topic, string Subscriber, string Backend, string Path);

internal sealed record ServicePlan(string Id, bool PersonalData, string Backend, IReadOnlyList<string> AllowedClients, string Description, string? OpenApi = null);

/// <summary>A sample backend; <paramref name="Gateway"/> names the member whose gateway it publishes events through, if it does.</summary>
internal sealed record BackendPlan(string Name, int Port, string? Gateway = null);

/// <summary>A ready call, named as <c>sandbox.json</c> lists it: which client asks which service for what.</summary>
internal sealed record ExamplePlan(string Name, string Description, string Client, string Service, string Path, string ExtraHeaders);

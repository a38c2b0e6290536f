using Naqil.Agencies.Regulator;
using Naqil.Agencies.Regulator.Apis;

namespace Naqil.Cli.Sandbox;

/// <summary>The telecom regulators' gateways (docs/regulator.md): SY's regulator and two mobile operators (ports 70–75), IQ's regulator (90–91).</summary>
internal static class RegulatorGateways
{
    private static readonly string[] SyriaReaders = ["SY/GOV/MOCT/portal", "SY/GOV/SYTPRA/staff", "SY/COM/SYRIATEL/np", "SY/COM/MTN/np"];

    public static GatewayPlan[] Syria { get; } =
    [
        new GatewayPlan("SY/GOV/SYTPRA", ConsumerPort: 70, ProviderPort: 71, Clients: ["SY/GOV/SYTPRA/settlement", "SY/GOV/SYTPRA/staff"],
            Services:
            [
                new ServicePlan("SY/GOV/SYTPRA/registers/numbering", PersonalData: false, Backend: "sy-regulator", AllowedClients: SyriaReaders,
                    Description: "The national numbering plan and portability: GET /numbers/{number}, GET /blocks, POST /ports, POST /ports/{id}/{step}", OpenApi: RegulatorOpenApi.Document(Regulators.Syria)),
                new ServicePlan("SY/GOV/SYTPRA/registers/routes", PersonalData: false, Backend: "sy-regulator", AllowedClients: SyriaReaders,
                    Description: "International links and routes: GET /links, GET /routes, GET /routes/{destination}", OpenApi: RegulatorOpenApi.Document(Regulators.Syria)),
                new ServicePlan("SY/GOV/SYTPRA/registers/settlement", PersonalData: false, Backend: "sy-regulator", AllowedClients: ["SY/GOV/MOCT/portal", "SY/GOV/SYTPRA/staff"],
                    Description: "Settlement statements with partner regulators and their reconciliation: GET /settlement/{period}/reconciliation", OpenApi: RegulatorOpenApi.Document(Regulators.Syria)),
            ],
            AllowedPartners: ["IQ"],
            Topics: [new TopicPlan("SY/GOV/SYTPRA/settlement/statements", "The Syrian regulator's monthly settlement statements of international minutes, for partner regulators", Subscribers: ["IQ/GOV/CMC/settlement"])],
            Subscriptions: [new SubscriptionPlan("IQ/GOV/CMC/settlement/statements", "SY/GOV/SYTPRA/settlement", Backend: "sy-regulator", Path: "/events/settlement")]),
        new GatewayPlan("SY/COM/SYRIATEL", ConsumerPort: 72, ProviderPort: 73, Clients: ["SY/COM/SYRIATEL/np"], Services: []),
        new GatewayPlan("SY/COM/MTN", ConsumerPort: 74, ProviderPort: 75, Clients: ["SY/COM/MTN/np"], Services: []),
    ];

    public static GatewayPlan Iraq { get; } = new("IQ/GOV/CMC", ConsumerPort: 90, ProviderPort: 91, Clients: ["IQ/GOV/CMC/settlement", "IQ/GOV/CMC/staff"],
        Services:
        [
            new ServicePlan("IQ/GOV/CMC/registers/settlement", PersonalData: false, Backend: "iq-regulator", AllowedClients: ["IQ/GOV/CMC/staff", "SY/GOV/SYTPRA/staff"],
                Description: "The Iraqi regulator's settlement statements and their reconciliation: GET /settlement/{period}/reconciliation", OpenApi: RegulatorOpenApi.Document(Regulators.Iraq)),
        ],
        AllowedPartners: ["SY"],
        Topics: [new TopicPlan("IQ/GOV/CMC/settlement/statements", "The Iraqi regulator's monthly settlement statements of international minutes, for partner regulators", Subscribers: ["SY/GOV/SYTPRA/settlement"])],
        Subscriptions: [new SubscriptionPlan("SY/GOV/SYTPRA/settlement/statements", "IQ/GOV/CMC/settlement", Backend: "iq-regulator", Path: "/events/settlement")]);

    /// <summary>Listed in sandbox.json after the built-in examples.</summary>
    public static ExamplePlan[] Examples { get; } =
    [
        new ExamplePlan("number-lookup", "A Syrian mobile number typed in its local form, 0944123456: valid, MTN's block, ported to Syriatel (asked by Syriatel through its own gateway)",
            "SY/COM/SYRIATEL/np", "SY/GOV/SYTPRA/registers/numbering", $"/numbers/{SyntheticRegister.ExamplePortedNumber}", ""),
        new ExamplePlan("route", "Iraq's international routes (+964) from Syria: the land fibre through Al-Bukamal first, Turkey's second, each link's status and utilisation, and recorded failovers",
            "SY/COM/MTN/np", "SY/GOV/SYTPRA/registers/routes", "/routes/964", ""),
        new ExamplePlan("settlement", $"The SY–IQ settlement statement of {SyntheticRegister.ExamplePeriod} reconciled: each line with both regulators' minutes, Iraq's statement carried over the bus, one line disputed (over 1%)",
            "SY/GOV/MOCT/portal", "SY/GOV/SYTPRA/registers/settlement", $"/settlement/{SyntheticRegister.ExamplePeriod}/reconciliation", ""),
    ];
}

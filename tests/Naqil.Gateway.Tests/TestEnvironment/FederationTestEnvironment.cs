using Microsoft.Extensions.Time.Testing;
using Naqil.Gateway.Configuration;
using Naqil.Trust;

namespace Naqil.Gateway.Tests.TestEnvironment;

/// <summary>
/// Two instances: SY (the two-gateway environment, its consumer allowing IQ unless told otherwise)
/// and IQ (its own registry, anchor and a postal gateway IQ/GOV/POST offering ems/items), sharing
/// one fake clock. Each registry lists the other as a partner.
/// </summary>
internal sealed class FederationTestEnvironment : IAsyncDisposable
{
    public const string Items = "IQ/GOV/POST/ems/items";

    /// <summary>Iraqi Post's subsystem, subscribed in SY's registry to the portal's notices (the portal's gateway allows it).</summary>
    public const string IqSubscriber = "IQ/GOV/POST/ems";

    private readonly string _directory;
    private long _iqSerial = 1;

    private FederationTestEnvironment(GatewayTestEnvironment sy, FakeRegistry iqRegistry, TestBackend iqBackend, string directory)
    {
        Sy = sy;
        IqRegistry = iqRegistry;
        IqBackend = iqBackend;
        _directory = directory;
    }

    public GatewayTestEnvironment Sy { get; }

    public FakeRegistry IqRegistry { get; }

    public TestBackend IqBackend { get; }

    public GatewayNode IqPost { get; private set; } = null!;

    public FakeTimeProvider Time => Sy.Time;

    public static async Task<FederationTestEnvironment> StartAsync(bool syGatewayAllowsIq = true, bool iqGatewayAllowsSy = true)
    {
        var sy = await GatewayTestEnvironment.StartAsync((member, o) => member == "SY/GOV/MOCT"
            ? o with { AllowedPartners = syGatewayAllowsIq ? ["IQ"] : [], Acl = [.. o.Acl, new AclRuleOptions { Service = GatewayTestEnvironment.Notices, Client = IqSubscriber }] }
            : o);
        var directory = Directory.CreateTempSubdirectory("naqil-iq-").FullName;
        var iqRegistry = await FakeRegistry.StartAsync();
        var iqBackend = await TestBackend.StartAsync();
        var env = new FederationTestEnvironment(sy, iqRegistry, iqBackend, directory);
        iqRegistry.Publish(env.IqConfiguration([]));
        env.IqPost = await GatewayNode.StartAsync("IQ/GOV/POST", Path.Combine(directory, "post"), iqRegistry, sy.Time, o => o with
        {
            Services = [new ProvidedServiceOptions { Service = Items, Backend = iqBackend.Url }],
            Acl = [new AclRuleOptions { Service = Items, Client = GatewayTestEnvironment.Portal }],
            AllowedPartners = iqGatewayAllowsSy ? ["SY"] : [],
            Subscriptions = [new SubscriptionOptions { Topic = GatewayTestEnvironment.Notices, Subscriber = IqSubscriber, Endpoint = iqBackend.Url + "/events" }],
        });

        sy.Partners = [env.PartnerEntryOfIq()];
        sy.Subscriptions = [.. sy.Subscriptions, new SubscriptionEntry(GatewayTestEnvironment.Notices, IqSubscriber)];
        await env.PublishIqAsync(env.IqConfiguration());
        await sy.PublishAsync(sy.Configuration());
        await env.IqPost.RefreshTrustAsync();
        return env;
    }

    public PartnerEntry PartnerEntryOfIq() => new("IQ", TestPki.Base64Der(IqRegistry.Anchor), IqRegistry.ConfigUrl);

    public PartnerEntry PartnerEntryOfSy() => new("SY", TestPki.Base64Der(Sy.Registry.Anchor), Sy.Registry.ConfigUrl);

    public TrustConfiguration IqConfiguration(IReadOnlyList<GatewayEntry>? gateways = null) => new()
    {
        Instance = "IQ",
        Serial = ++_iqSerial,
        Issued = Time.GetUtcNow(),
        Expires = Time.GetUtcNow().AddMinutes(10),
        Members = [new("IQ/GOV/POST", "Iraqi Post")],
        Subsystems = [new("IQ/GOV/POST/ems")],
        Services = [new(Items, PersonalData: false, "EMS item status")],
        Gateways = gateways ?? [IqPost.Entry()],
        Partners = [PartnerEntryOfSy()],
    };

    /// <summary>Publishes at the IQ registry; every gateway fetches at its next poll, forced here.</summary>
    public async Task PublishIqAsync(TrustConfiguration configuration)
    {
        IqRegistry.Publish(configuration);
        await RefreshAllAsync();
    }

    public async Task RefreshAllAsync()
    {
        await Sy.Consumer.RefreshTrustAsync();
        await Sy.Provider.RefreshTrustAsync();
        if (IqPost is not null)
        {
            await IqPost.RefreshTrustAsync();
        }
    }

    public Task<HttpResponseMessage> CallIqAsync(string client = GatewayTestEnvironment.Portal) => Sy.GetAsync(Items, "/items/EE123456789SY", client);

    public async ValueTask DisposeAsync()
    {
        if (IqPost is not null)
        {
            await IqPost.DisposeAsync();
        }

        await IqBackend.DisposeAsync();
        await IqRegistry.DisposeAsync();
        await Sy.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

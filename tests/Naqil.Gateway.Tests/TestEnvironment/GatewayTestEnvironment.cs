using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Naqil.Gateway.Configuration;
using Naqil.Trust;

namespace Naqil.Gateway.Tests.TestEnvironment;

/// <summary>
/// Two real gateways (SY/GOV/MOCT consuming, SY/GOV/CIVREG providing), a registry serving their
/// trust configuration and a counting backend — all real Kestrel hosts on loopback, real TLS.
/// Time is a shared <see cref="FakeTimeProvider"/>, so expiry and freshness are driven by the test.
/// </summary>
internal sealed class GatewayTestEnvironment : IAsyncDisposable
{
    public const string Portal = "SY/GOV/MOCT/portal";
    public const string Keyed = "SY/GOV/MOCT/keyed";
    public const string Other = "SY/GOV/MOCT/other";
    public const string Persons = "SY/GOV/CIVREG/registry/persons";
    public const string Records = "SY/GOV/CIVREG/registry/health-records";
    public const string Down = "SY/GOV/CIVREG/registry/down";

    /// <summary>
    /// A topic the portal publishes, to which the civil registry (its gateway posts them to the
    /// backend's <c>/events</c>; the portal's gateway lets it receive them) and the other MOCT
    /// subsystem (no access rule: its deliveries become dead letters) are subscribed.
    /// </summary>
    public const string Notices = "SY/GOV/MOCT/portal/notices";

    /// <summary>A personal-data topic the portal publishes, without subscribers.</summary>
    public const string Applications = "SY/GOV/MOCT/portal/applications";

    /// <summary>A topic of the civil registry (not the portal's to publish).</summary>
    public const string Births = "SY/GOV/CIVREG/registry/births";
    public const string ApiKey = "keyed-client-secret-0123456789";
    public const string AdminToken = "test-admin-token-0123456789";
    public const long MaxBodyBytes = 64 * 1024;

    private readonly string _directory;
    private long _serial = 1;

    private GatewayTestEnvironment(string directory, FakeTimeProvider time, FakeRegistry registry, TestBackend backend)
    {
        _directory = directory;
        Time = time;
        Registry = registry;
        Backend = backend;
        Client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    public FakeTimeProvider Time { get; }

    public FakeRegistry Registry { get; }

    public TestBackend Backend { get; }

    public GatewayNode Consumer { get; private set; } = null!;

    public GatewayNode Provider { get; private set; } = null!;

    public HttpClient Client { get; }

    public long Serial => _serial;

    /// <summary>Federation partners the SY registry lists in every configuration it publishes from now on.</summary>
    public IReadOnlyList<PartnerEntry> Partners { get; set; } = [];

    /// <summary>Subscriptions the SY registry lists in every configuration it publishes from now on.</summary>
    public IReadOnlyList<SubscriptionEntry> Subscriptions { get; set; } = [new(Notices, RegistrySubscriber), new(Notices, Other)];

    /// <summary>The civil registry's subscriber subsystem.</summary>
    public const string RegistrySubscriber = "SY/GOV/CIVREG/registry";

    /// <summary>The TSA named in the trust configuration, when the environment was started with one.</summary>
    public TestTsa? Tsa { get; private set; }

    /// <summary>
    /// Starts the environment; <paramref name="configure"/> adjusts each gateway's options (by
    /// member) after the defaults, and <paramref name="withTsa"/> runs a real TSA that the trust
    /// configuration names. <paramref name="tlsValidFor"/> gives a gateway (by member) a TLS
    /// certificate valid for that long from now instead of a year.
    /// </summary>
    public static async Task<GatewayTestEnvironment> StartAsync(Func<string, GatewayOptions, GatewayOptions>? configure = null, bool withTsa = false, IReadOnlyDictionary<string, TimeSpan>? tlsValidFor = null)
    {
        configure ??= (_, o) => o;
        var directory = Directory.CreateTempSubdirectory("naqil-gw-").FullName;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var registry = await FakeRegistry.StartAsync();
        var backend = await TestBackend.StartAsync();
        var environment = new GatewayTestEnvironment(directory, time, registry, backend);
        if (withTsa)
        {
            environment.Tsa = await TestTsa.StartAsync(time);
        }

        // A first configuration without gateways lets both start; the real one follows once their ports are known.
        registry.Publish(environment.Configuration([]));
        environment.Provider = await GatewayNode.StartAsync("SY/GOV/CIVREG", Path.Combine(directory, "civreg"), registry, time, o => configure("SY/GOV/CIVREG", o with
        {
            Services =
            [
                new ProvidedServiceOptions { Service = Persons, Backend = backend.Url },
                new ProvidedServiceOptions { Service = Records, Backend = backend.Url },
                new ProvidedServiceOptions { Service = Down, Backend = $"http://127.0.0.1:{ClosedPort()}" },
            ],
            Acl =
            [
                new AclRuleOptions { Service = Persons, Client = Portal },
                new AclRuleOptions { Service = Persons, Client = Keyed, Methods = ["GET"] },
                new AclRuleOptions { Service = Records, Client = Portal },
                new AclRuleOptions { Service = Down, Client = Portal },
            ],
            Subscriptions = [new SubscriptionOptions { Topic = Notices, Subscriber = RegistrySubscriber, Endpoint = backend.Url + "/events" }],
        }), ValidFor("SY/GOV/CIVREG"));
        environment.Consumer = await GatewayNode.StartAsync("SY/GOV/MOCT", Path.Combine(directory, "moct"), registry, time, o => configure("SY/GOV/MOCT", o with
        {
            Clients =
            [
                new ClientOptions { Subsystem = Portal, AllowUnauthenticatedLoopback = true },
                new ClientOptions { Subsystem = Other, AllowUnauthenticatedLoopback = true },
                new ClientOptions { Subsystem = Keyed, ApiKeySha256 = [Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey)))] },
            ],
            Acl = [new AclRuleOptions { Service = Notices, Client = RegistrySubscriber }],
        }), ValidFor("SY/GOV/MOCT"));
        await environment.PublishAsync(environment.Configuration());
        return environment;

        TimeSpan? ValidFor(string member) => tlsValidFor is not null && tlsValidFor.TryGetValue(member, out var span) ? span : null;
    }

    /// <summary>Restarts the consumer gateway on its own configuration, keys and data (see <see cref="GatewayNode.RestartAsync"/>).</summary>
    public async Task RestartConsumerAsync() => Consumer = await Consumer.RestartAsync();

    /// <summary>The instance's configuration with the next serial, issued now, for ten minutes.</summary>
    public TrustConfiguration Configuration(IReadOnlyList<GatewayEntry>? gateways = null) => new()
    {
        Instance = "SY",
        Serial = ++_serial,
        Issued = Time.GetUtcNow(),
        Expires = Time.GetUtcNow().AddMinutes(10),
        Members = [new("SY/GOV/MOCT", "Ministry of Communications and Technology"), new("SY/GOV/CIVREG", "Civil Registry")],
        Subsystems = [new(Portal), new(Keyed), new(Other), new("SY/GOV/CIVREG/registry")],
        Services = [new(Persons, PersonalData: false), new(Records, PersonalData: true), new(Down, PersonalData: false)],
        Topics = [new(Notices, PersonalData: false), new(Applications, PersonalData: true), new(Births, PersonalData: false)],
        Subscriptions = Subscriptions,
        Gateways = gateways ?? [Consumer.Entry(), Provider.Entry()],
        TrustedCas = Tsa is null ? [] : [TestPki.Base64Der(Tsa.Ca)],
        Tsas = Tsa is null ? [] : [new TsaEntry(Tsa.Url, TestPki.Base64Der(Tsa.Certificate))],
        Partners = Partners,
    };

    /// <summary>Publishes at the registry and has both gateways fetch it now, as their next poll would.</summary>
    public async Task PublishAsync(TrustConfiguration configuration)
    {
        Registry.Publish(configuration);
        await Consumer.RefreshTrustAsync();
        await Provider.RefreshTrustAsync();
    }

    public HttpRequestMessage Request(HttpMethod method, string service, string path, string client = Portal)
    {
        var request = new HttpRequestMessage(method, $"{Consumer.ConsumerUrl}/r1/{service}{path}");
        request.Headers.Add("Naqil-Client", client);
        return request;
    }

    public Task<HttpResponseMessage> GetAsync(string service, string path, string client = Portal) =>
        Client.SendAsync(Request(HttpMethod.Get, service, path, client));

    /// <summary>A loopback port nothing listens on: bound, then released.</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (Consumer is not null)
        {
            await Consumer.DisposeAsync();
        }

        if (Provider is not null)
        {
            await Provider.DisposeAsync();
        }

        await Backend.DisposeAsync();
        await Registry.DisposeAsync();
        if (Tsa is not null)
        {
            await Tsa.DisposeAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

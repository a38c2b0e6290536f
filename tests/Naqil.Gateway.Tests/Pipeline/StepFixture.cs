using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;
using Naqil.Gateway.Configuration;
using Naqil.Gateway.ConsumerFace;
using Naqil.Gateway.Problems;
using Naqil.Gateway.ProviderFace;
using Naqil.Gateway.Signing;
using Naqil.Gateway.Tests.TestEnvironment;
using Naqil.Gateway.Trust;
using Naqil.Trust;

namespace Naqil.Gateway.Tests.Pipeline;

/// <summary>
/// What the step tests share: a fake clock, real keys written as PEM files, an own SY
/// configuration and an IQ partner's signed by throwaway registries and adopted by a real
/// <see cref="TrustState"/>, and exchanges built on a <see cref="DefaultHttpContext"/>.
/// The consumer gateway is SY/GOV/MOCT's gw1; the provider is SY/GOV/CIVREG with two gateways.
/// Registry lists IQ and JO as partners; this gateway allows IQ and LB.
/// </summary>
internal sealed class StepFixture : IDisposable
{
    public const string ConsumerMember = "SY/GOV/MOCT";
    public const string ProviderMember = "SY/GOV/CIVREG";
    public const string Portal = "SY/GOV/MOCT/portal";
    public const string Unregistered = "SY/GOV/MOCT/unregistered";
    public const string Registry = "SY/GOV/CIVREG/registry";
    public const string Persons = "SY/GOV/CIVREG/registry/persons";
    public const string Holidays = "SY/GOV/CIVREG/registry/holidays";
    public const string PartnerMember = "IQ/GOV/MOI";
    public const string PartnerClient = "IQ/GOV/MOI/passports";
    public const string PartnerService = "IQ/GOV/MOI/passports/lookup";
    public const string NaqilId = "0f8fad5b-d9cb-469f-a165-70867728950e";
    public const string Notices = "SY/GOV/MOCT/portal/notices";
    public const string Applications = "SY/GOV/MOCT/portal/applications";
    public const string Births = "SY/GOV/CIVREG/registry/births";

    public static readonly TimeSpan OwnValidity = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan PartnerValidity = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The gateways' keys, made once for every test: each is written as PEM files and read back
    /// by a real <see cref="GatewayKeys"/>, as an operator's are, then the files are removed.
    /// Held for the life of the test process.
    /// </summary>
    private static readonly Lazy<KeyMaterial> Keys = new(KeyMaterial.Create);

    private readonly List<IDisposable> _owned = [];

    public StepFixture()
    {
        Directory.CreateDirectory(Folder);
        // On a whole second, as signatures' created is: a signature's age is then exact.
        var now = DateTimeOffset.UtcNow;
        Time = new FakeTimeProvider(now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)));
        ConsumerSignatures = new ExchangeSignatures(ConsumerKeys, Time);
        ProviderSignatures = new ExchangeSignatures(ProviderKeys, Time);
        Provider2Signatures = new ExchangeSignatures(Keys.Value.Provider2.Keys, Time);
        PartnerSignatures = new ExchangeSignatures(PartnerKeys, Time);

        Own = Snapshot(new TrustConfiguration
        {
            Instance = "SY",
            Serial = 1,
            Issued = Time.GetUtcNow(),
            Expires = Time.GetUtcNow() + OwnValidity,
            Members = [new MemberEntry(ConsumerMember, "Ministry of Communications"), new MemberEntry(ProviderMember, "Civil Registry"), new MemberEntry("SY/GOV/EMPTY", "No gateway")],
            Subsystems = [new SubsystemEntry(Portal), new SubsystemEntry(Registry)],
            Services = [new ServiceEntry(Persons, PersonalData: true), new ServiceEntry(Holidays, PersonalData: false), new ServiceEntry("SY/GOV/EMPTY/system/thing", false)],
            Topics = [new TopicEntry(Notices, PersonalData: false), new TopicEntry(Applications, PersonalData: true), new TopicEntry(Births, PersonalData: false)],
            Subscriptions = [new SubscriptionEntry(Notices, Registry), new SubscriptionEntry(Notices, PartnerClient)],
            Gateways =
            [
                Entry(ConsumerMember, "gw1", Consumer), Entry(ProviderMember, "gw1", Provider), Entry(ProviderMember, "gw2", Provider2),
            ],
            Partners = [new PartnerEntry("IQ", "", "https://registry.iq.example/trust/v1/config"), new PartnerEntry("JO", "", "https://registry.jo.example/trust/v1/config")],
        });
        PartnerSnapshot = Snapshot(new TrustConfiguration
        {
            Instance = "IQ",
            Serial = 1,
            Issued = Time.GetUtcNow(),
            Expires = Time.GetUtcNow() + PartnerValidity,
            Members = [new MemberEntry(PartnerMember, "Ministry of Interior")],
            Subsystems = [new SubsystemEntry(PartnerClient)],
            Services = [new ServiceEntry(PartnerService, PersonalData: true)],
            Gateways = [Entry(PartnerMember, "gw1", Partner)],
        });
    }

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "naqil-steps-" + Guid.NewGuid().ToString("N"));

    public FakeTimeProvider Time { get; }

    /// <summary>Each gateway's certificates and where it listens (a port nobody serves unless a test says so).</summary>
    public TestGateway Consumer => Keys.Value.Consumer.Gateway;

    public TestGateway Provider => Keys.Value.Provider.Gateway;

    public TestGateway Provider2 => Keys.Value.Provider2.Gateway;

    public TestGateway Partner => Keys.Value.Partner.Gateway;

    public GatewayKeys ConsumerKeys => Keys.Value.Consumer.Keys;

    public GatewayKeys ProviderKeys => Keys.Value.Provider.Keys;

    public GatewayKeys PartnerKeys => Keys.Value.Partner.Keys;

    public ExchangeSignatures ConsumerSignatures { get; }

    public ExchangeSignatures ProviderSignatures { get; }

    /// <summary>The provider member's other gateway's signatures.</summary>
    public ExchangeSignatures Provider2Signatures { get; }

    public ExchangeSignatures PartnerSignatures { get; }

    /// <summary>The own instance's configuration, not yet adopted.</summary>
    public TrustSnapshot Own { get; }

    /// <summary>IQ's configuration, not yet adopted.</summary>
    public TrustSnapshot PartnerSnapshot { get; }

    /// <summary>Options of a gateway of <paramref name="member"/>, allowing IQ and LB.</summary>
    public GatewayOptions Options(string member = ConsumerMember) => new()
    {
        Member = member,
        AllowedPartners = ["IQ", "LB"],
        DataDirectory = Folder,
    };

    /// <summary>A trust state holding the own configuration and, unless told otherwise, IQ's.</summary>
    public TrustState Trust(bool own = true, bool partner = true, string member = ConsumerMember)
    {
        var trust = new TrustState(Microsoft.Extensions.Options.Options.Create(Options(member)), Time);
        if (own)
        {
            Assert.True(trust.TryAdopt(Own, out var reason), reason);
        }

        if (partner)
        {
            Assert.True(trust.TryAdoptPartner(PartnerSnapshot, out var reason), reason);
        }

        return trust;
    }

    public PeerGateway PeerOf(TestGateway gateway)
    {
        Assert.True(Own.TryGetGatewayByTls(gateway.TlsThumbprint, out var peer) || PartnerSnapshot.TryGetGatewayByTls(gateway.TlsThumbprint, out peer));
        return peer;
    }

    /// <summary>A consumer-face request as a client makes it: method, raw target and headers.</summary>
    public ConsumerExchange ConsumerExchange(string rawTarget = $"/r1/{Persons}/persons/1", string method = "GET", IEnumerable<KeyValuePair<string, string>>? headers = null, byte[]? body = null)
    {
        var context = Context(method, rawTarget, headers, body);
        return new ConsumerExchange(context, Time.GetUtcNow()) { Client = context.Request.Headers[NaqilHeaders.Client].ToString() };
    }

    /// <summary>A consumer exchange as it stands after the steps before <c>ChooseProviderStep</c>: the target parsed and the service's configuration found.</summary>
    public ConsumerExchange ResolvedConsumerExchange(string service = Persons, string path = "/persons/1", string method = "GET", IEnumerable<KeyValuePair<string, string>>? headers = null, byte[]? body = null)
    {
        var exchange = ConsumerExchange($"/r1/{service}{path}", method, headers, body);
        Assert.True(Naqil.Gateway.Messages.ExchangeTarget.TryParse($"/r1/{service}{path}", out var target, out _));
        exchange.Target = target;
        exchange.Service = target.ServiceText;
        exchange.Path = target.Path + target.Query;
        exchange.Client = Portal;
        exchange.NaqilId = NaqilId;
        exchange.Trust = Own;
        exchange.CounterpartTrust = target.Service.Instance == "SY" ? Own : PartnerSnapshot;
        Assert.True(exchange.CounterpartTrust.TryGetService(service, out var entry));
        exchange.ServiceEntry = entry;
        exchange.RequestBody = body ?? [];
        return exchange;
    }

    /// <summary>An event as the events pipeline's steps before <c>ResolveTopicStep</c> leave it: the topic parsed, the portal identified, the own trust held.</summary>
    public Naqil.Gateway.Events.EventExchange EventExchange(string topic = Notices, IEnumerable<KeyValuePair<string, string>>? headers = null, byte[]? body = null, string client = Portal)
    {
        var context = Context("POST", $"/e1/{topic}", headers, body);
        var exchange = new Naqil.Gateway.Events.EventExchange(context, Time.GetUtcNow())
        {
            Client = client,
            ClientId = Naqil.Identifiers.SubsystemId.Parse(client),
            Purpose = context.Request.Headers[NaqilHeaders.Purpose] is { Count: > 0 } purpose ? purpose.ToString() : null,
            NaqilId = NaqilId,
            Trust = Own,
            Service = topic,
            TopicId = Naqil.Identifiers.ServiceId.Parse(topic),
            RequestBody = body ?? [],
        };
        return exchange;
    }

    /// <summary>A provider-face exchange for a request as Kestrel hands it over, read as <c>ProviderPipeline.Begin</c> reads it.</summary>
    public ProviderExchange ProviderExchange(string rawTarget, string method = "GET", IEnumerable<KeyValuePair<string, string>>? headers = null, byte[]? body = null, X509Certificate2? clientCertificate = null)
    {
        var context = Context(method, rawTarget, headers, body);
        context.Request.Scheme = "https";
        context.Connection.ClientCertificate = clientCertificate;
        var incoming = MessageViews.FromIncoming(context.Request);
        var id = incoming.GetHeader("naqil-id");
        return new ProviderExchange(context, Time.GetUtcNow(), incoming)
        {
            NaqilId = Guid.TryParseExact(id, "D", out _) ? id : null,
            Client = incoming.GetHeader("naqil-client") ?? "",
            Service = incoming.GetHeader("naqil-service") ?? "",
            User = incoming.GetHeader("naqil-user"),
            Purpose = incoming.GetHeader("naqil-purpose"),
            Subject = incoming.GetHeader("naqil-subject"),
            Path = incoming.Query == "?" ? incoming.Path! : incoming.Path + incoming.Query,
            RequestDigest = incoming.GetHeader("content-digest"),
            RequestSignatureInput = incoming.GetHeader("signature-input"),
            RequestSignature = incoming.GetHeader("signature"),
        };
    }

    /// <summary>
    /// A request signed by <paramref name="signer"/> for the provider gateway, as the consumer's
    /// <see cref="SignedRequestFactory"/> makes it, received on the provider face with the
    /// target parsed, peer identified and configuration found as the earlier steps leave it.
    /// </summary>
    public (ProviderExchange Exchange, SignedRequest Signed) SignedProviderExchange(ExchangeSignatures signer, TestGateway connected, string service = Persons, string path = "/persons/search?x=1",
        string method = "POST", byte[]? body = null, Dictionary<string, string>? extra = null, Action<Dictionary<string, string>>? alter = null, string? receivedTarget = null)
    {
        body ??= "{\"familyName\":\"x\"}"u8.ToArray();
        Assert.True(Naqil.Gateway.Messages.ExchangeTarget.TryParse($"/r1/{service}{path}", out var target, out _));
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["naqil-id"] = NaqilId,
            ["naqil-client"] = connected == Partner ? PartnerClient : Portal,
            ["naqil-service"] = service,
            ["content-type"] = "application/json",
        };
        foreach (var (name, value) in extra ?? [])
        {
            headers[name] = value;
        }

        var signed = new SignedRequestFactory(signer).Create(PeerOf(Provider), HttpMethod.Parse(method), target, headers, body, hasContent: true);
        var received = new Dictionary<string, string>(headers, StringComparer.Ordinal);
        alter?.Invoke(received);
        var exchange = ProviderExchange(receivedTarget ?? signed.Message.RequestUri!.PathAndQuery, method, received, body, Certificate(connected.Tls));
        exchange.Context.Request.Host = new HostString(signed.Message.RequestUri!.Authority);
        exchange.Trust = Own;
        exchange.Peer = PeerOf(connected);
        exchange.CounterpartTrust = connected == Partner ? PartnerSnapshot : Own;
        exchange.Target = target;
        exchange.RequestBody = body;
        return (exchange, signed);
    }

    public X509Certificate2 Certificate(byte[] der)
    {
        var certificate = X509CertificateLoader.LoadCertificate(der);
        _owned.Add(certificate);
        return certificate;
    }

    public T Track<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    public void Dispose()
    {
        // Last made, first disposed: a log before its store.
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A SQLite file still held by its pool; the temp folder is cleaned by the system.
        }
    }

    /// <summary>Asserts a refusal with exactly the <see cref="GatewayError"/> named (tables name it with <c>nameof</c>, as test methods are public and the enum is not).</summary>
    public static GatewayProblem Refusal(GatewayProblem? problem, string expected)
    {
        var refusal = Assert.NotNull(problem);
        Assert.Equal(Enum.Parse<GatewayError>(expected), refusal.Error);
        return refusal;
    }

    private static DefaultHttpContext Context(string method, string rawTarget, IEnumerable<KeyValuePair<string, string>>? headers, byte[]? body)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        var q = rawTarget.IndexOf('?', StringComparison.Ordinal);
        // As Kestrel would have it; the steps read the raw target, which is kept undecoded.
        context.Request.Path = new PathString(q < 0 ? rawTarget : rawTarget[..q]);
        context.Request.QueryString = q < 0 ? QueryString.Empty : new QueryString(rawTarget[q..]);
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = rawTarget;
        context.Connection.RemoteIpAddress = IPAddress.Parse("10.1.2.3");
        // Kept as Kestrel keeps them: repeated fields as several values, and an empty value as one
        // empty value (HeaderDictionary's setter would drop it as if the field were absent).
        var fields = new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers ?? [])
        {
            fields[name] = StringValues.Concat(fields.GetValueOrDefault(name), value);
        }

        context.Features.Get<IHttpRequestFeature>()!.Headers = new HeaderDictionary(fields);

        if (body is not null)
        {
            context.Request.Body = new MemoryStream(body);
            context.Request.ContentLength = body.Length;
        }

        return context;
    }

    private static GatewayEntry Entry(string member, string code, TestGateway gateway) =>
        new(member, code, $"https://127.0.0.1:{gateway.Port}", gateway.Tls, gateway.Signing);

    private static TrustSnapshot Snapshot(TrustConfiguration configuration)
    {
        using var registryKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var anchor = new CertificateRequest($"CN={configuration.Instance} registry", registryKey, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        Assert.True(TrustSnapshot.TryCreate(SignedTrustConfiguration.Sign(configuration, registryKey, anchor), null, out var snapshot, out var error), error);
        return snapshot;
    }

    /// <summary>A loopback port that was just free: nothing listens on it unless a test starts a listener there.</summary>
    public static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>One gateway of the fixture: its certificates (DER) and its provider face's loopback port, free when it was chosen.</summary>
internal sealed record TestGateway(string Name, int Port, byte[] Tls, byte[] Signing, string TlsThumbprint);

/// <summary>The fixture's four gateways with their keys.</summary>
internal sealed record KeyMaterial((TestGateway Gateway, GatewayKeys Keys) Consumer, (TestGateway Gateway, GatewayKeys Keys) Provider,
    (TestGateway Gateway, GatewayKeys Keys) Provider2, (TestGateway Gateway, GatewayKeys Keys) Partner)
{
    public static KeyMaterial Create()
    {
        var folder = Path.Combine(Path.GetTempPath(), "naqil-step-keys-" + Guid.NewGuid().ToString("N"));
        try
        {
            return new KeyMaterial(Gateway(folder, "moct-gw1"), Gateway(folder, "civreg-gw1"), Gateway(folder, "civreg-gw2"), Gateway(folder, "moi-gw1"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static (TestGateway, GatewayKeys) Gateway(string folder, string name)
    {
        using var tls = TestPki.CreateTlsCertificate(name);
        using var signing = TestPki.CreateSigningCertificate(name + " signing");
        var tlsPem = TestPki.WritePem(tls, folder, name + "-tls");
        var signingPem = TestPki.WritePem(signing, folder, name + "-signing");
        var keys = new GatewayKeys(Microsoft.Extensions.Options.Options.Create(new GatewayOptions
        {
            TlsCertificateFile = tlsPem.Certificate,
            TlsKeyFile = tlsPem.Key,
            SigningCertificateFile = signingPem.Certificate,
            SigningKeyFile = signingPem.Key,
        }));
        return (new TestGateway(name, StepFixture.ClosedPort(), tls.RawData, signing.RawData, SignedTrustConfiguration.Thumbprint(tls)), keys);
    }
}
